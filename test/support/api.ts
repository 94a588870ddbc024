// Starts the real GraphQL server on a free port over a test database, and posts queries to it over HTTP.
import { afterAll, beforeAll } from '@jest/globals'
import { silentLogger } from '../../core/logger.js'
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from './databases.js'
import { startApiServer, type ApiServer } from '../../api/server.js'
import type { ApiServices } from '../../api/context.js'
import type { Database } from '../../core/db/client.js'

export interface GraphqlResponse<T = Record<string, unknown>> {
  data?: T
  errors?: { message: string; extensions?: { code?: string; field?: string } }[]
}

export interface TestApi {
  server: ApiServer
  query<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse<T>>
  close(): Promise<void>
}

export async function startTestApi(db: Database, overrides: Partial<ApiServices> = {}): Promise<TestApi> {
  const server = await startApiServer(
    { prisma: db.prisma, logger: silentLogger(), venues: {}, now: () => new Date(), ...overrides },
    { host: '127.0.0.1', port: 0 },
  )
  return {
    server,
    async query<T>(query: string, variables?: Record<string, unknown>) {
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      })
      return (await response.json()) as GraphqlResponse<T>
    },
    close: () => server.close(),
  }
}

/** A fresh database and API server for the enclosing describe block (started before its tests, closed after). */
export function useTestApi(kind: TestDatabaseKind = 'pglite', overrides: Partial<ApiServices> = {}): { readonly db: TestDatabase; readonly api: TestApi } {
  const handle = {} as { db: TestDatabase; api: TestApi }
  beforeAll(async () => {
    handle.db = await createTestDatabase(kind)
    handle.api = await startTestApi(handle.db, overrides)
  })
  afterAll(async () => {
    await handle.api?.close()
    await handle.db?.destroy()
  })
  return handle
}
