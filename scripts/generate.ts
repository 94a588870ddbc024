// `npm run generate`: the Prisma client and the GraphQL resolver types, both generated from their schemas, and The
// Graph's client for the Aave subgraph (installed first when its lockfile changed).
// `prisma generate` needs no schema engine, but Prisma's CLI checks that one exists; pointing it at any
// existing file keeps it from trying a download that is not reachable everywhere.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): void {
  const result = spawnSync(command, args, { stdio: 'inherit', env, cwd, shell: false })
  if (result.error) {
    console.error(`${command} ${args.join(' ')} could not start: ${result.error.message}`)
    process.exit(1)
  }
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} failed with exit code ${result.status}`)
    process.exit(result.status ?? 1)
  }
}

const prismaEnv = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' }
run(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], prismaEnv)
if (existsSync('codegen.ts')) run(process.execPath, ['node_modules/@graphql-codegen/cli/cjs/bin.js', '--config', 'codegen.ts'])

// The Graph's client has its own install (venues/aave-v3/subgraph/client/README.md says why). Under `npm ci` this
// runs as the project's postinstall, whose environment names the project as npm's prefix: that is dropped so the
// nested install stays in its folder.
const graphClientDir = path.join('venues', 'aave-v3', 'subgraph', 'client')
if (existsSync(path.join(graphClientDir, 'package-lock.json'))) {
  const lockHash = createHash('sha256').update(readFileSync(path.join(graphClientDir, 'package-lock.json'))).digest('hex')
  const stamp = path.join(graphClientDir, 'node_modules', '.installed-lock-sha256')
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== lockHash) {
    const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_(local_)?prefix$/i.test(key)))
    // `npm install`, not `npm ci`: two optional dependencies of GraphQL Mesh's CLI come from GitHub, which npm leaves
    // out of the lockfile when it cannot reach them, and `npm ci` then refuses the lockfile as out of sync.
    run('npm', ['install', '--no-audit', '--no-fund', '--prefix', graphClientDir], npmEnv)
    writeFileSync(stamp, lockHash)
  }
  // Run from its folder: GraphQL Mesh looks its plugins up by package name from the working directory.
  run(process.execPath, [path.join('node_modules', '@graphprotocol', 'client-cli', 'cjs', 'bin.js'), 'build', '--fileType', 'js'], process.env, graphClientDir)
}
