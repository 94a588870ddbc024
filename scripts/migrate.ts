// `npm run migrate`: applies pending migrations to the configured database (DATABASE_URL, else embedded PGlite).
import path from 'node:path'
import { openDatabase, resolveDatabaseTarget } from '../core/db/client.js'

const target = resolveDatabaseTarget(process.env, path.resolve('.crossmargin', 'pgdata'))
const db = await openDatabase(target)
try {
  const result = await db.migrate()
  const where = target.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite at ${target.dataDir}`
  console.log(`migrated ${where}: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied`)
  for (const name of result.applied) console.log(`  applied ${name}`)
} finally {
  await db.close()
}
