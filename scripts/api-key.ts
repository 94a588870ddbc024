// `npm run api-key -- <command> [--config file | --demo]`: manages API keys on the database `npm start` uses
// (DATABASE_URL, else the embedded PGlite of the config's data directory, or the demo's),
// for the first admin key of a server that requires keys (the GraphQL mutations need a key already).
//   create --name ops --admin                 an admin key (sees every portfolio, manages keys)
//   create --name app --portfolio <id> ...    a key scoped to those portfolios
//   list                                      keys without their secrets
//   revoke <id>                               refuses the key from now on
import { parseArgs } from 'node:util'
import { openDatabase } from '../core/db/client.js'
import { generateApiKey } from '../api/access.js'
import { resolveDataLocation } from '../app/data-location.js'
import { runScript } from './run-script.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, portfolio: { type: 'string', multiple: true, default: [] }, admin: { type: 'boolean', default: false }, config: { type: 'string', short: 'c' }, demo: { type: 'boolean', default: false } },
})
const [command, id] = positionals

function fail(message: string): never {
  console.error(message)
  process.exit(2)
}

await runScript(async () => {
  const db = await openDatabase(resolveDataLocation({ env: process.env, cwd: process.cwd(), configPath: values.config, demo: values.demo }).target)
  try {
    await db.migrate()
    if (command === 'create') {
      const name = values.name?.trim()
      if (!name) fail('--name is required')
      const portfolioIds = values.portfolio
      if (values.admin === (portfolioIds.length > 0)) fail('give either --admin or at least one --portfolio <id>')
      const known = await db.prisma.portfolio.findMany({ where: { id: { in: portfolioIds } }, select: { id: true } })
      const missing = portfolioIds.filter((p) => !known.some((k) => k.id === p))
      if (missing.length > 0) fail(`--portfolio: no portfolio ${missing.join(', ')}`)
      const { secret, hash } = generateApiKey()
      const key = await db.prisma.apiKey.create({ data: { name, hash, portfolioIds, admin: values.admin } })
      console.log(`created API key ${key.id} (${key.admin ? 'admin' : `portfolios ${portfolioIds.join(', ')}`})`)
      console.log(`key (shown once, store it now): ${secret}`)
    } else if (command === 'list') {
      for (const k of await db.prisma.apiKey.findMany({ orderBy: { createdAt: 'asc' } })) {
        const scope = k.admin ? 'admin' : k.portfolioIds.join(',')
        console.log(`${k.id}  ${k.name}  ${scope}  ${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'}`)
      }
    } else if (command === 'revoke') {
      if (!id) fail('usage: revoke <id>')
      const updated = await db.prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } })
      console.log(updated.count === 1 ? `revoked ${id}` : `no active key ${id}`)
    } else {
      fail('usage: api-key create --name <name> (--admin | --portfolio <id>...) | list | revoke <id>')
    }
  } finally {
    await db.close()
  }
})
