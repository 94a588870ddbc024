// `npx tsx scripts/migration-create.ts <name>`: writes the SQL that takes prisma/migrations to prisma/schema.prisma
// as a new migration folder, as `prisma migrate dev --create-only` would, with no native engine download.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { PrismaPGlite } from 'pglite-prisma-adapter'
import { diffSchemaScript, openSchemaEngine } from '../core/db/schema-engine.js'
import { defaultMigrationsDir, readMigrations } from '../core/db/migrate.js'

const name = process.argv[2]
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: tsx scripts/migration-create.ts <name_in_snake_case>')
  process.exit(2)
}
const schema = readFileSync('prisma/schema.prisma', 'utf8')
const engine = await openSchemaEngine(schema, new PrismaPGlite(new PGlite()))
const sql = await diffSchemaScript(engine, schema, { migrationsDir: defaultMigrationsDir, migrations: readMigrations() })
if (sql.includes('This is an empty migration')) {
  console.log('schema.prisma matches the migrations; nothing to write')
  process.exit(0)
}
const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)
const dir = path.join(defaultMigrationsDir, `${stamp}_${name}`)
mkdirSync(dir, { recursive: true })
writeFileSync(path.join(dir, 'migration.sql'), sql)
console.log(`wrote ${path.relative(process.cwd(), dir)}/migration.sql`)
process.exit(0)
