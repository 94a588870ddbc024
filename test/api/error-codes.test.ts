// Error codes as a client meets them: one request refused the same way over HTTP and over WebSocket, and missing
// data answered as DATA_UNAVAILABLE on the field that needed it, not as the caller's INVALID_INPUT.
import { describe, expect, test } from 'vitest'
import WebSocket from 'ws'
import { createClient } from 'graphql-ws'
import { useTestApi } from '../support/api.js'
import { PortfolioEvents } from '../../core/events.js'

interface WireError {
  message: string
  path?: readonly (string | number)[]
  extensions?: { code?: string; field?: string }
}

/** The errors graphql-ws delivers for one operation: in a result (resolver errors) or as the operation's error. */
async function overWebSocket(url: string, query: string, variables?: Record<string, unknown>): Promise<WireError[]> {
  const client = createClient({ url: url.replace('http://', 'ws://'), webSocketImpl: WebSocket, retryAttempts: 0 })
  try {
    return await new Promise<WireError[]>((resolve, reject) => {
      client.subscribe(
        { query, variables },
        {
          next: (result) => resolve((result.errors ?? []) as WireError[]),
          error: (error) => (Array.isArray(error) ? resolve(error as WireError[]) : reject(error instanceof Error ? error : new Error(JSON.stringify(error)))),
          complete: () => resolve([]),
        },
      )
    })
  } finally {
    await client.dispose()
  }
}

describe('the same request answers the same code over HTTP and WebSocket', () => {
  const t = useTestApi('pglite', { events: new PortfolioEvents() })

  // Each request and the code it must earn on both transports (Apollo's codes for GraphQL's own refusals).
  const cases: [string, string, string, Record<string, unknown>?][] = [
    ['a syntax error', 'query { portfolio(id: "x") {', 'GRAPHQL_PARSE_FAILED'],
    ['an unknown field in a query', 'query { portfolio(id: "x") { nosuchfield } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['an unknown field in a subscription', 'subscription { marginCallChanged(portfolioId: "x") { nosuchfield } }', 'GRAPHQL_VALIDATION_FAILED'],
    ['a required variable left out', 'query ($id: ID!) { portfolio(id: $id) { id } }', 'BAD_USER_INPUT', {}],
    ['an unknown operation name', 'query a { portfolio(id: "x") { id } } query b { portfolio(id: "y") { id } }', 'OPERATION_RESOLUTION_FAILURE'],
    ['a resolver refusing the caller’s input', 'mutation { createPortfolio(name: "") { id } }', 'INVALID_INPUT'],
    ['a resolver missing data (no price history is stored)', 'query { simulateMargin(input: { accounts: [{ venue: "binance" }] }) { asOf } }', 'DATA_UNAVAILABLE'],
  ]

  for (const [name, query, code, variables] of cases) {
    test(`${name}: ${code}`, async () => {
      const http = (await t.api.query(query, variables)).errors ?? []
      const ws = await overWebSocket(t.api.server.url, query, variables)
      expect(http.map((e) => e.extensions?.code)).toEqual([code])
      expect(ws.map((e) => e.extensions?.code)).toEqual([code])
      expect(ws.map((e) => e.extensions?.field)).toEqual(http.map((e) => e.extensions?.field))
    })
  }

  test('a subscription refused by its resolver carries the vocabulary’s code', async () => {
    const ws = await overWebSocket(t.api.server.url, 'subscription { marginCallChanged(portfolioId: "nope") { change } }')
    expect(ws).toMatchObject([{ message: 'portfolio nope does not exist', extensions: { code: 'NOT_FOUND' } }])
  })
})
