// The migrations in prisma/migrations produce exactly what schema.prisma describes, and the migrator records them
// the way Prisma's own `migrate deploy` does.
import { readFileSync, mkdtempSync, cpSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { PGlite } from '@electric-sql/pglite'
import { PrismaPGlite } from 'pglite-prisma-adapter'
import { diffSchemaScript, openSchemaEngine } from '../../core/db/schema-engine.js'
import { defaultMigrationsDir, migrate, readMigrations } from '../../core/db/migrate.js'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js'

const schemaPath = path.resolve(defaultMigrationsDir, '..', 'schema.prisma')
const EMPTY = 'This is an empty migration'

describe('migrations match schema.prisma', () => {
  // Prisma's schema engine (WebAssembly build) replays the migrations on a shadow database and diffs the result
  // against the datamodel: the same check `prisma migrate diff --from-migrations --to-schema` makes.
  test('replaying every migration leaves nothing to change', async () => {
    const schema = readFileSync(schemaPath, 'utf8')
    const engine = await openSchemaEngine(schema, new PrismaPGlite(new PGlite()))
    const script = await diffSchemaScript(engine, schema, { migrationsDir: defaultMigrationsDir, migrations: readMigrations() })
    expect(script).toContain(EMPTY)
  })

  test('a model field missing from the migrations is detected', async () => {
    const schema = readFileSync(schemaPath, 'utf8').replace('model Portfolio {\n', 'model Portfolio {\n  baseCurrency String\n')
    const engine = await openSchemaEngine(schema, new PrismaPGlite(new PGlite()))
    const script = await diffSchemaScript(engine, schema, { migrationsDir: defaultMigrationsDir, migrations: readMigrations() })
    expect(script).not.toContain(EMPTY)
    expect(script).toMatch(/ALTER TABLE "Portfolio" ADD COLUMN\s+"baseCurrency" TEXT NOT NULL/)
  })
})

describe.each(testDatabaseKinds)('migrator on %s', (kind) => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase(kind, { migrate: false })
  })
  afterAll(async () => db?.destroy())

  test('applies every migration once and records it as Prisma does', async () => {
    const first = await db.migrate()
    expect(first.applied).toEqual(readMigrations().map((m) => m.name))
    const again = await db.migrate()
    expect(again.applied).toEqual([])
    expect(again.alreadyApplied).toEqual(first.applied)
    const rows = await db.withRunner((r) =>
      r.query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
        'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
      ),
    )
    expect(rows.map((r) => r.migration_name)).toEqual(first.applied)
    for (const row of rows) {
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/)
      expect(row.finished_at).not.toBeNull()
      expect(row.applied_steps_count).toBe(1)
    }
  })

  test('the migrated database accepts what the Prisma client writes', async () => {
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Fund A' } })
    const account = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'binance', label: 'main', config: {} } })
    const snapshot = await db.prisma.snapshot.create({
      data: { accountId: account.id, status: 'ok', asOf: new Date('2026-01-01T00:00:00Z'), durationMs: 5, blockNumber: 2n ** 40n },
    })
    await db.prisma.balance.create({
      data: { snapshotId: snapshot.id, asset: 'USDT', canonicalAsset: 'USD', kind: 'wallet', amount: '12345678901234567890.123456789012345678', raw: {} },
    })
    const balance = await db.prisma.balance.findFirstOrThrow({ where: { snapshotId: snapshot.id } })
    // Decimal survives to the last digit: money is never a float in storage.
    expect(balance.amount.toFixed()).toBe('12345678901234567890.123456789012345678')
  })

  test('a migration edited after it was applied is refused', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cm-migrations-'))
    cpSync(defaultMigrationsDir, dir, { recursive: true })
    const [firstMigration] = readMigrations(dir)
    writeFileSync(path.join(dir, firstMigration!.name, 'migration.sql'), `${firstMigration!.sql}\n-- edited\n`)
    await expect(db.withRunner((r) => migrate(r, dir))).rejects.toThrow(/edited after it was applied/)
  })
})
