// A minimal SQL surface over PGlite and node-postgres, for the migrator and tests that inspect the database.
import type { PGlite } from '@electric-sql/pglite'
import type pg from 'pg'

export interface SqlRunner {
  /** Runs one or more statements with no parameters (a migration file). */
  exec(sql: string): Promise<void>
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>
}

export function pgliteRunner(db: PGlite): SqlRunner {
  return {
    async exec(sql) {
      await db.exec(sql)
    },
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await db.query<Row>(sql, params)).rows
    },
  }
}

export function pgRunner(client: pg.Pool | pg.Client): SqlRunner {
  return {
    async exec(sql) {
      await client.query(sql)
    },
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as Row[]
    },
  }
}
