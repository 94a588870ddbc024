// The one database client factory: embedded PostgreSQL (PGlite, in a data directory) when no DATABASE_URL is
// given, a PostgreSQL server through node-postgres when it is. Both run the same migrations.
import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import { PrismaPGlite } from 'pglite-prisma-adapter'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import { PrismaClient } from '../../generated/prisma/client.js'
import { acquireDataDirLock } from './data-dir-lock.js'
import { migrate, type MigrateResult } from './migrate.js'
import { pgliteRunner, pgRunner, type SqlRunner } from './sql-runner.js'

export type { PrismaClient }

export type DatabaseTarget = { kind: 'pglite'; dataDir: string | null } | { kind: 'postgres'; url: string }

export interface Database {
  prisma: PrismaClient
  target: DatabaseTarget
  /** Applies pending migrations over a single connection (advisory lock and transactions need one session). */
  migrate(): Promise<MigrateResult>
  /** Raw SQL on a single connection, for the migrator and for tests that inspect what Prisma wrote. */
  withRunner<T>(fn: (runner: SqlRunner) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** DATABASE_URL wins; otherwise PGlite in `dataDir` (null = in memory, for tests). */
export function resolveDatabaseTarget(env: NodeJS.ProcessEnv, defaultDataDir: string | null): DatabaseTarget {
  const url = env.DATABASE_URL?.trim()
  if (url) return { kind: 'postgres', url }
  return { kind: 'pglite', dataDir: env.CROSSMARGIN_DATA_DIR?.trim() || defaultDataDir }
}

export interface OpenOptions {
  /** Called with every SQL statement Prisma sends (tests count queries). */
  onQuery?: (sql: string) => void
}

export async function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): Promise<Database> {
  if (target.kind === 'pglite') {
    if (target.dataDir) mkdirSync(target.dataDir, { recursive: true })
    // Before PGlite touches the files: a second process on one data directory would corrupt it.
    const lock = target.dataDir ? acquireDataDirLock(target.dataDir) : null
    let pglite: PGlite
    try {
      pglite = target.dataDir ? await PGlite.create(target.dataDir) : await PGlite.create()
    } catch (error) {
      lock?.release()
      throw error
    }
    const prisma = createPrismaClient(new PrismaPGlite(pglite), options)
    const runner = pgliteRunner(pglite)
    // PGlite is one session: serialise raw work behind Prisma's own queue by running it directly.
    return {
      prisma,
      target,
      migrate: () => migrate(runner),
      withRunner: (fn) => fn(runner),
      async close() {
        try {
          await prisma.$disconnect()
          await pglite.close()
        } finally {
          lock?.release()
        }
      },
    }
  }
  const pool = new pg.Pool({ connectionString: target.url, max: 10 })
  // An idle client dropped by the server (a restart, a failover, an administrator's terminate) must not crash the
  // process: node-postgres reports it on the pool, and the next query opens a fresh connection.
  pool.on('error', () => {})
  const prisma = createPrismaClient(new PrismaPg(pool), options)
  const withRunner = async <T>(fn: (runner: SqlRunner) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: target.url })
    client.on('error', () => {})
    await client.connect()
    try {
      return await fn(pgRunner(client))
    } finally {
      await client.end()
    }
  }
  return {
    prisma,
    target,
    migrate: () => withRunner((runner) => migrate(runner)),
    withRunner,
    async close() {
      await prisma.$disconnect()
      await pool.end()
    },
  }
}

function createPrismaClient(adapter: PrismaPGlite | PrismaPg, options: OpenOptions): PrismaClient {
  if (!options.onQuery) return new PrismaClient({ adapter })
  const client = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] })
  const onQuery = options.onQuery
  client.$on('query', (event) => onQuery(event.query))
  return client
}
