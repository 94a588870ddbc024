// GraphQL error answers carry no stack trace or internals unless the operator asks for them.
import { afterEach, describe, expect, test } from '@jest/globals'
import { createTestDatabase, type TestDatabase } from '../support/databases.js'
import { startTestApi, type TestApi } from '../support/api.js'

const BAD_QUERIES = [
  ['a validation error', '{ portfolios { noSuchField } }'],
  ['a parse error', '{ portfolios { id '],
  ['a resolver error', '{ simulateMargin(input: { accounts: [] }) { unified { initialMargin } } }'],
] as const

describe('error answers', () => {
  let db: TestDatabase | null = null
  let api: TestApi | null = null
  const nodeEnv = process.env.NODE_ENV
  afterEach(async () => {
    process.env.NODE_ENV = nodeEnv
    await api?.close()
    await db?.destroy()
  })

  test.each(BAD_QUERIES)('%s has no stacktrace under `npm start` (NODE_ENV unset)', async (_what, query) => {
    // Apollo decides at construction from NODE_ENV; the test runner sets it to "test", npm start leaves it unset.
    delete process.env.NODE_ENV
    db = await createTestDatabase('pglite')
    api = await startTestApi(db)
    const answer = await api.query(query)
    expect(answer.errors?.length).toBeGreaterThan(0)
    expect(JSON.stringify(answer)).not.toMatch(/stacktrace|\.ts:\d+|node_modules/)
  })

  test('with the operator’s debug switch, the stack trace is there', async () => {
    delete process.env.NODE_ENV
    db = await createTestDatabase('pglite')
    api = await startTestApi(db, { debugErrors: true })
    const answer = await api.query(BAD_QUERIES[0][1])
    expect((answer.errors?.[0]?.extensions as Record<string, unknown> | undefined)?.stacktrace).toBeDefined()
  })
})
