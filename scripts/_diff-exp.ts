import { readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { PrismaPGlite } from 'pglite-prisma-adapter'
import { openSchemaEngine, diffSchemaScript } from '../core/db/schema-engine.js'
import { readMigrations, defaultMigrationsDir } from '../core/db/migrate.js'
const schema = readFileSync('prisma/schema.prisma', 'utf8')
const t0 = Date.now()
const engine = await openSchemaEngine(schema, new PrismaPGlite(new PGlite()))
const out = await diffSchemaScript(engine, schema, { migrationsDir: defaultMigrationsDir, migrations: readMigrations() })
console.log(JSON.stringify(out))
console.error('done', Date.now() - t0)
process.exit(0)
