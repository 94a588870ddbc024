// The GraphQL API over a real database: portfolio queries, last-good-snapshot semantics, SQL count per request.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js'
import { startTestApi, useTestApi, type TestApi } from '../support/api.js'
import { lendingSnapshot, perpSnapshot } from '../support/snapshots.js'
import { writeFailedSnapshot, writeSnapshot } from '../../indexer/snapshot-writer.js'
import { VenueUnavailable } from '../../core/errors.js'

const PORTFOLIO_QUERY = /* GraphQL */ `
  query ($id: ID!) {
    portfolio(id: $id) {
      name
      dataAsOf
      accounts {
        venue label status lastError dataAgeSeconds
        lastSnapshot {
          asOf blockNumber
          positions { instrument { venueSymbol underlying } size markPrice }
          balances { asset canonicalAsset kind amount }
          venueMargin { reported { currency healthFactor } replicated { healthFactor } differences { field difference } }
        }
        snapshots(limit: 5) { status error }
      }
      venueMargins { venue reported { maintenanceMargin } }
    }
  }`

async function seedPortfolio(db: TestDatabase, name: string, accountCount: number): Promise<string> {
  const portfolio = await db.prisma.portfolio.create({ data: { name } })
  for (let i = 0; i < accountCount; i++) {
    const venue = i % 2 === 0 ? 'aave-v3' : 'binance'
    const account = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue, label: `${venue}-${i}`, config: {} } })
    const asOf = new Date(Date.UTC(2026, 0, 1, 0, i))
    await writeSnapshot(db.prisma, account, venue === 'aave-v3' ? lendingSnapshot(asOf, '2', '1000') : perpSnapshot(asOf, '-1.5'), 10)
  }
  return portfolio.id
}

describe.each(testDatabaseKinds)('portfolio API on %s', (kind) => {
  let db: TestDatabase
  let api: TestApi
  const queries: string[] = []

  beforeAll(async () => {
    db = await createTestDatabase(kind, { onQuery: (sql) => queries.push(sql) })
    api = await startTestApi(db)
  })
  afterAll(async () => {
    await api?.close()
    await db?.destroy()
  })

  test('serves accounts, positions, balances and both margin figures from the latest snapshot', async () => {
    const id = await seedPortfolio(db, 'Fund A', 2)
    const res = await api.query<{ portfolio: { name: string; accounts: { venue: string; status: string; lastSnapshot: { blockNumber: string | null; positions: { size: string }[]; balances: { asset: string; kind: string; amount: string }[]; venueMargin: { reported: { currency: string; healthFactor: string | null } } } }[] } }>(PORTFOLIO_QUERY, { id })
    expect(res.errors).toBeUndefined()
    const [aave, binance] = res.data!.portfolio.accounts
    expect(aave!.status).toBe('OK')
    expect(aave!.lastSnapshot.blockNumber).toBe('123')
    expect(aave!.lastSnapshot.balances).toEqual([
      expect.objectContaining({ asset: 'WETH', kind: 'COLLATERAL', amount: '2' }),
      expect.objectContaining({ asset: 'USDC', kind: 'DEBT', amount: '1000' }),
    ])
    expect(aave!.lastSnapshot.venueMargin.reported).toEqual({ currency: 'USD', healthFactor: '3.3' })
    expect(binance!.lastSnapshot.positions[0]!.size).toBe('-1.5')
  })

  test('a failed fetch is recorded but the last good snapshot is still served, with its age', async () => {
    const id = await seedPortfolio(db, 'Fund B', 1)
    const account = await db.prisma.account.findFirstOrThrow({ where: { portfolioId: id } })
    await writeFailedSnapshot(db.prisma, account, new VenueUnavailable('aave-v3 RPC answered HTTP 500'), new Date(), 3)
    const res = await api.query<{ portfolio: { accounts: { status: string; lastError: string; dataAgeSeconds: number; lastSnapshot: { asOf: string; balances: unknown[] }; snapshots: { status: string; error: string | null }[] }[] } }>(PORTFOLIO_QUERY, { id })
    const [acc] = res.data!.portfolio.accounts
    expect(acc!.status).toBe('FAILED')
    expect(acc!.lastError).toContain('HTTP 500')
    expect(acc!.lastSnapshot.asOf).toBe('2026-01-01T00:00:00.000Z')
    expect(acc!.lastSnapshot.balances).toHaveLength(2)
    expect(acc!.dataAgeSeconds).toBeGreaterThan(0)
    expect(acc!.snapshots.map((s) => s.status)).toEqual(['failed', 'ok'])
  })

  test('the number of SQL queries for a portfolio does not grow with its number of accounts', async () => {
    const small = await seedPortfolio(db, 'Small', 2)
    const large = await seedPortfolio(db, 'Large', 8)
    const count = async (id: string) => {
      queries.length = 0
      const res = await api.query(PORTFOLIO_QUERY, { id })
      expect(res.errors).toBeUndefined()
      return queries.length
    }
    const smallCount = await count(small)
    const largeCount = await count(large)
    expect(smallCount).toBeGreaterThan(0)
    expect(largeCount).toBe(smallCount)
  })

  test('an unknown portfolio is null and a bad query names what is wrong', async () => {
    const missing = await api.query('query { portfolio(id: "nope") { id } }')
    expect(missing.data).toEqual({ portfolio: null })
    const bad = await api.query('query { portfolio(id: "x") { nosuchfield } }')
    expect(bad.errors?.[0]?.message).toContain('nosuchfield')
    expect(bad.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })
})

describe('exposures', () => {
  const t = useTestApi()

  test('a WETH collateral on Aave nets against an ETH short on Binance', async () => {
    const id = await seedPortfolio(t.db, 'Hedged', 2)
    const res = await t.api.query<{ portfolio: { exposures: { asset: string; netUnits: string; grossUnits: string; netUsd: string; grossUsd: string; byVenue: { venue: string; units: string }[] }[] } }>(
      `query ($id: ID!) { portfolio(id: $id) { exposures { asset netUnits grossUnits netUsd grossUsd byVenue { venue units } } } }`,
      { id },
    )
    expect(res.errors).toBeUndefined()
    const eth = res.data!.portfolio.exposures.find((e) => e.asset === 'ETH')!
    // 2 WETH supplied (+2 ETH) against a 1.5 ETH perpetual short: 0.5 ETH left after netting, 3.5 ETH gross.
    expect(eth.byVenue).toEqual([
      { venue: 'aave-v3', units: '2' },
      { venue: 'binance', units: '-1.5' },
    ])
    expect(eth.netUnits).toBe('0.5')
    expect(eth.grossUnits).toBe('3.5')
    // Valued at the freshest price observed (the Binance mark, 2000 USDT taken at par): 0.5 × 2000.
    expect(eth.netUsd).toBe('1000.00')
    expect(eth.grossUsd).toBe('7000.00')
  })
})
