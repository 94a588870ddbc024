// `npm run migrate [-- --config file | --demo]`: applies pending migrations to the database `npm start` uses
// (DATABASE_URL, else the embedded PGlite of the config's data directory, or the demo's).
import { parseArgs } from 'node:util'
import { openDatabase } from '../core/db/client.js'
import { resolveDataLocation } from '../app/data-location.js'
import { runScript } from './run-script.js'

await runScript(async () => {
  const { values } = parseArgs({ options: { config: { type: 'string', short: 'c' }, demo: { type: 'boolean', default: false } } })
  const location = resolveDataLocation({ env: process.env, cwd: process.cwd(), configPath: values.config, demo: values.demo })
  const db = await openDatabase(location.target)
  try {
    const result = await db.migrate()
    console.log(`migrated ${location.description}: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`)
    for (const name of result.applied) console.log(`  applied ${name}`)
  } finally {
    await db.close()
  }
})
