// Error codes as a client meets them: one request refused the same way over HTTP and over WebSocket, and missing
// data answered as DATA_UNAVAILABLE on the field that needed it, not as the caller's INVALID_INPUT.
import { describe, expect, test } from '@jest/globals'
import WebSocket from 'ws'
import { createClient } from 'graphql-ws'
import { useTestApi } from '../support/api.js'
import type { TestDatabase } from '../support/databases.js'
import { sharedDataPath } from '../support/shared-data.js'
import { perpSnapshot } from '../support/snapshots.js'
import { PortfolioEvents } from '../../core/events.js'
import type { Position } from '../../core/domain.js'
import { writeSnapshot } from '../../indexer/snapshot-writer.js'
import { readCandlesCsv } from '../../market/price-csv.js'
import { storeCandles } from '../../market/candle-store.js'

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

const asOf = new Date('2025-12-31T00:00:00Z')
const RISK = 'query ($id: ID!) { portfolio(id: $id) { name unifiedMargin { initialMargin } } }'
const perp = perpSnapshot(asOf, '1', '87000').positions[0]!
const btcPerp: Position = { ...perp, instrument: { ...perp.instrument, venueSymbol: 'BTC-PERPETUAL', underlying: 'BTC', quote: 'USD', settlement: 'BTC' } }

/** A portfolio with one Deribit account holding `positions`, as the indexer would have stored it. */
async function storedPortfolio(db: TestDatabase, name: string, positions: Position[]): Promise<string> {
  const portfolio = await db.prisma.portfolio.create({ data: { name } })
  const account = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'deribit', label: 'deribit', config: {} } })
  await writeSnapshot(db.prisma, account, { ...perpSnapshot(asOf, '1'), positions }, 1)
  return portfolio.id
}

describe('a stored portfolio with no daily price history', () => {
  const t = useTestApi('pglite', { now: () => new Date('2025-12-31T12:00:00Z') })

  test('answers DATA_UNAVAILABLE on the risk field, saying how to load the history', async () => {
    const id = await storedPortfolio(t.db, 'No history', [btcPerp])
    const res = await t.api.query<{ portfolio: { name: string; unifiedMargin: unknown } }>(RISK, { id })
    // The portfolio itself is answered; only the field that needed the history is not.
    expect(res.data?.portfolio.name).toBe('No history')
    expect(res.errors).toMatchObject([{ path: ['portfolio', 'unifiedMargin'], extensions: { code: 'DATA_UNAVAILABLE' } }])
    expect(res.errors![0]!.message).toMatch(/no daily price history is stored; load it with `npm run load-prices`/)
  })
})

describe('a stored portfolio holding an option with no recent implied vol', () => {
  const t = useTestApi('pglite', { now: () => new Date('2025-12-31T12:00:00Z') })

  test('answers DATA_UNAVAILABLE naming the option, with no engine path and no caller field', async () => {
    // BTC's real daily closes (shared data, prices/SOURCES.md), so everything but the option's vol is there.
    await storeCandles(t.db.prisma, 'BTC', 'binance-spot', readCandlesCsv(sharedDataPath('prices', 'BTC-USD-1d.csv')))
    const call: Position = {
      ...btcPerp,
      instrument: { ...btcPerp.instrument, venueSymbol: 'BTC-27MAR26-100000-C', kind: 'option', expiry: new Date('2026-03-27T08:00:00Z'), strike: '100000', optionType: 'call' },
    }
    const id = await storedPortfolio(t.db, 'No vol', [call])
    const res = await t.api.query(RISK, { id })
    expect(res.errors).toMatchObject([{ path: ['portfolio', 'unifiedMargin'], extensions: { code: 'DATA_UNAVAILABLE' } }])
    expect(res.errors![0]!.message).toMatch(/^no implied vol for BTC-27MAR26-100000-C/)
    expect(res.errors![0]!.message).not.toMatch(/accounts\[|positions\[/)
    expect(res.errors![0]!.extensions).not.toHaveProperty('field')
  })
})
