// Applies prisma/migrations in order and records them in Prisma's own `_prisma_migrations` table, so a database
// migrated here is one `prisma migrate deploy` recognises (and the other way round).
import { createHash, randomUUID } from 'node:crypto'
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Internal } from '../errors.js'
import type { SqlRunner } from './sql-runner.js'

export const defaultMigrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'prisma', 'migrations')

export interface MigrationFile {
  name: string
  sql: string
  checksum: string
}

// Prisma's migrate takes the same advisory lock, so the two never run at once on one database.
const PRISMA_ADVISORY_LOCK = 72707369

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`

export function readMigrations(dir: string = defaultMigrationsDir): MigrationFile[] {
  if (!existsSync(dir)) throw new Internal(`migrations directory ${dir} does not exist`)
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8')
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') }
    })
}

export interface MigrateResult {
  applied: string[]
  alreadyApplied: string[]
}

/** Applies every migration not yet recorded, each in its own transaction; refuses edited or failed ones. */
export async function migrate(runner: SqlRunner, dir: string = defaultMigrationsDir): Promise<MigrateResult> {
  const migrations = readMigrations(dir)
  await runner.exec(CREATE_MIGRATIONS_TABLE)
  await runner.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK])
  try {
    const rows = await runner.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
    )
    const recorded = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]))
    const result: MigrateResult = { applied: [], alreadyApplied: [] }
    for (const migration of migrations) {
      const row = recorded.get(migration.name)
      if (row) {
        if (row.finished_at === null) {
          throw new Internal(`migration ${migration.name} started earlier but did not finish; inspect the database and mark it rolled back`)
        }
        if (row.checksum !== migration.checksum) {
          throw new Internal(`migration ${migration.name} was edited after it was applied (checksum differs)`)
        }
        result.alreadyApplied.push(migration.name)
        continue
      }
      const id = randomUUID()
      await runner.exec('BEGIN')
      try {
        await runner.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
          [id, migration.checksum, migration.name],
        )
        await runner.exec(migration.sql)
        await runner.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id])
        await runner.exec('COMMIT')
      } catch (error) {
        await runner.exec('ROLLBACK')
        throw new Internal(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error })
      }
      result.applied.push(migration.name)
    }
    return result
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK])
  }
}
