// Test databases: an in-memory PGlite, and a throwaway database on the PostgreSQL server on 127.0.0.1:5432.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { openDatabase, type Database } from '../../core/db/client.js'

const serverUrl = process.env.CROSSMARGIN_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'

export type TestDatabaseKind = 'pglite' | 'postgres'
export const testDatabaseKinds: TestDatabaseKind[] = ['pglite', 'postgres']

export interface TestDatabase extends Database {
  /** Closes the client and, for PostgreSQL, drops the throwaway database. */
  destroy(): Promise<void>
  url: string | null
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl })
  client.on('error', () => {})
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

/** A fresh, migrated database of the given kind. */
export async function createTestDatabase(kind: TestDatabaseKind, options: { migrate?: boolean; onQuery?: (sql: string) => void } = {}): Promise<TestDatabase> {
  let url: string | null = null
  let name: string | null = null
  if (kind === 'postgres') {
    name = `crossmargin_test_${randomBytes(6).toString('hex')}`
    await adminQuery(`CREATE DATABASE ${name}`)
    const parsed = new URL(serverUrl)
    parsed.pathname = `/${name}`
    url = parsed.toString()
  }
  const db = await openDatabase(url ? { kind: 'postgres', url } : { kind: 'pglite', dataDir: null }, { onQuery: options.onQuery })
  if (options.migrate !== false) await db.migrate()
  return {
    ...db,
    url,
    async destroy() {
      await db.close()
      if (name) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    },
  }
}

/** Empties every table but the migrations' ledger: each test of a file starts from nothing, without paying for a new
 * database (a migrated PGlite takes seconds). */
export async function emptyTables(db: Database): Promise<void> {
  const tables = await db.prisma.$queryRaw<{ name: string }[]>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`
  if (tables.length > 0) await db.prisma.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t.name}"`).join(', ')} RESTART IDENTITY CASCADE`)
}
