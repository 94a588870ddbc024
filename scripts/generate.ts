// `npm run generate`: the Prisma client and the GraphQL resolver types, both generated from their schemas.
// `prisma generate` needs no schema engine, but Prisma's CLI checks that one exists; pointing it at any
// existing file keeps it from trying a download that is not reachable everywhere.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { stdio: 'inherit', env, shell: false })
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed with exit code ${result.status}`)
    process.exit(result.status ?? 1)
  }
}

const prismaEnv = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' }
run(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], prismaEnv)
if (existsSync('codegen.ts')) run(process.execPath, ['node_modules/@graphql-codegen/cli/cjs/bin.js', '--config', 'codegen.ts'])
