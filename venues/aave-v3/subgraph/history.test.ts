// An Aave v3 user's history read through The Graph's client from a local GraphQL server answering in the subgraph's
// schema with graph-node's limits: pages of 5,000 split by the client's auto-pagination under the 1,000-row cap,
// block tracking against a lagging indexer, stored once in PostgreSQL (PGlite), and a broken subgraph leaving what
// is stored untouched.
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import { expect } from '../../../test/support/expect.js'
import { silentLogger } from '../../../core/logger.js'
import { AaveHistorySync } from '../../../indexer/aave-history.js'
import { createTestDatabase, type TestDatabase } from '../../../test/support/databases.js'
import { startFaultProxy, type FaultProxy } from '../../../test/support/fault-proxy.js'
import { startTestApi } from '../../../test/support/api.js'
import { fetchAaveHistory } from './history.js'
import { startLocalSubgraph, type LocalSubgraph } from './local/subgraph-server.js'

const USER = '0x70997970c51812dc3a010c7d01b50e0d17dc79c8'
const OTHER = '0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc'
const usdc = { symbol: 'USDC', decimals: 6, underlyingAsset: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48' }
const weth = { symbol: 'WETH', decimals: 18, underlyingAsset: '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2' }
const tx = (n: number) => `0x${n.toString(16).padStart(64, '0')}`

// Entities in the subgraph's shape: ids as the subgraph makes them (<tx hash>:<log index>), amounts in token units.
// 5,001 supplies (1 WETH each, the last 5 WETH): a full page of 5,000, over The Graph's 1,000-row cap, and one more.
const SUPPLIES = 5_001
function subgraphData() {
  const supplies = Array.from({ length: SUPPLIES }, (_, i) => {
    const n = i + 1
    return { id: `${tx(n)}:1`, txHash: tx(n), user: { id: USER }, reserve: weth, amount: n === SUPPLIES ? '5000000000000000000' : '1000000000000000000', timestamp: 1_690_000_000 + n, assetPriceUSD: '2000' }
  })
  return {
    supplies: [...supplies, { id: `${tx(100_000)}:1`, txHash: tx(100_000), user: { id: OTHER }, reserve: weth, amount: '1', timestamp: 1_690_000_100, assetPriceUSD: '2000' }],
    borrows: [{ id: `${tx(10)}:2`, txHash: tx(10), user: { id: USER }, reserve: usdc, amount: '1500000000', borrowRateMode: 2, timestamp: 1_700_001_000, assetPriceUSD: '1' }],
    repays: [{ id: `${tx(11)}:3`, txHash: tx(11), user: { id: USER }, reserve: usdc, amount: '250500000', useATokens: false, timestamp: 1_700_002_000, assetPriceUSD: '1' }],
    liquidationCalls: [
      { id: `${tx(12)}:7`, txHash: tx(12), user: { id: USER }, collateralReserve: weth, principalReserve: usdc, collateralAmount: '437500000000000000', principalAmount: '750000000', liquidator: OTHER, timestamp: 1_700_003_000, collateralAssetPriceUSD: '1800', borrowAssetPriceUSD: '1' },
    ],
  }
}

describe('Aave v3 history from the subgraph', () => {
  let subgraph: LocalSubgraph
  let proxy: FaultProxy
  let db: TestDatabase
  let accountId: string

  beforeAll(async () => {
    subgraph = await startLocalSubgraph(subgraphData())
    proxy = await startFaultProxy(subgraph.url)
    db = await createTestDatabase('pglite')
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'History' } })
    const account = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'aave-v3', label: 'aave', config: { user: USER, subgraphUrl: subgraph.url } } })
    accountId = account.id
  })
  afterAll(async () => {
    await proxy?.close()
    await subgraph?.close()
    await db?.destroy()
  })

  test('every kind is read in pages of 5,000 until a short page, amounts in decimals, other users left out', async () => {
    const before = subgraph.requests
    const events = await fetchAaveHistory({ url: subgraph.url, user: USER, since: 0, until: 2_000_000_000, timeoutMs: 5_000 })
    // Supplies: 5,001 rows in pages of 5,000 → 2 requests (the server refuses `first` over 1,000, so the full page
    // went as five 1,000-row selections); the other kinds one page each.
    expect(subgraph.requests - before).toBe(2 + 1 + 1 + 1)
    const supplies = events.filter((e) => e.kind === 'supply')
    expect(supplies).toHaveLength(SUPPLIES)
    expect(new Set(supplies.map((e) => e.eventId)).size).toBe(SUPPLIES)
    expect(supplies.at(-1)).toMatchObject({ asset: 'WETH', amount: '5', eventId: `${tx(SUPPLIES)}:1` })
    expect(events.find((e) => e.kind === 'borrow')).toMatchObject({ asset: 'USDC', amount: '1500', priceUsd: '1' })
    expect(events.find((e) => e.kind === 'repay')).toMatchObject({ asset: 'USDC', amount: '250.5' })
    expect(events.find((e) => e.kind === 'liquidation')).toMatchObject({ asset: 'USDC', amount: '750', collateralAsset: 'WETH', collateralAmount: '0.4375', time: new Date(1_700_003_000 * 1000) })
    expect(events).toHaveLength(SUPPLIES + 3)
  })

  test('block tracking: later queries ask for at least the newest block seen, and an indexer behind it is a transient failure', async () => {
    subgraph.indexedBlock = 18_000_100
    await fetchAaveHistory({ url: subgraph.url, user: USER, since: 0, until: 2_000_000_000, timeoutMs: 5_000 })
    expect(subgraph.minBlocksAsked.at(-1)).toBe(18_000_100)
    // An indexer 50 blocks behind answers the next read (as behind a gateway): refused, not taken as the truth.
    subgraph.indexedBlock = 18_000_050
    await expect(fetchAaveHistory({ url: subgraph.url, user: USER, since: 0, until: 2_000_000_000, timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE', message: expect.stringMatching(/only indexed up to block number 18000050/) })
    subgraph.indexedBlock = 18_000_200
    await expect(fetchAaveHistory({ url: subgraph.url, user: USER, since: 0, until: 2_000_000_000, timeoutMs: 5_000 })).resolves.toHaveLength(SUPPLIES + 3)
  })

  test('each subgraph URL tracks its own blocks: a market on a chain with lower block numbers is not held to another chain\'s', async () => {
    const arbitrum = await startLocalSubgraph(subgraphData(), { indexedBlock: 300_000_000 })
    const base = await startLocalSubgraph(subgraphData(), { indexedBlock: 20_000_000 })
    try {
      await fetchAaveHistory({ url: arbitrum.url, user: USER, since: 0, until: 2_000_000_000, timeoutMs: 5_000 })
      await expect(fetchAaveHistory({ url: base.url, user: USER, since: 0, until: 2_000_000_000, timeoutMs: 5_000 })).resolves.toHaveLength(SUPPLIES + 3)
      expect(base.minBlocksAsked.every((block) => block === null || block <= 20_000_000)).toBe(true)
    } finally {
      await arbitrum.close()
      await base.close()
    }
  })

  test('stored once: a second read adds nothing, a new event adds one', async () => {
    const sync = new AaveHistorySync({ prisma: db.prisma, logger: silentLogger(), timeoutMs: 5_000 })
    expect(await sync.sync(accountId, subgraph.url, USER)).toBe(SUPPLIES + 3)
    expect(await sync.sync(accountId, subgraph.url, USER)).toBe(0)
    subgraph.data.repays.push({ id: `${tx(13)}:1`, txHash: tx(13), user: { id: USER }, reserve: usdc, amount: '100000000', useATokens: false, timestamp: 1_700_004_000, assetPriceUSD: '1' })
    expect(await sync.sync(accountId, subgraph.url, USER)).toBe(1)
    const stored = await db.prisma.accountEvent.findMany({ where: { accountId }, orderBy: { time: 'asc' } })
    expect(stored).toHaveLength(SUPPLIES + 4)
    expect(stored.at(-1)).toMatchObject({ kind: 'repay', asset: 'USDC', txHash: tx(13) })
    expect(stored.at(-1)!.amount.toString()).toBe('100')
  })

  test('the API shows the stored history, latest first', async () => {
    const api = await startTestApi(db)
    try {
      const res = await api.query<{ account: { history: { kind: string; asset: string; amount: string; collateralAsset: string | null; collateralAmount: string | null }[] } }>(
        `query ($id: ID!) { account(id: $id) { history(limit: 2) { kind asset amount collateralAsset collateralAmount } } }`,
        { id: accountId },
      )
      expect(res.data!.account.history).toEqual([
        { kind: 'repay', asset: 'USDC', amount: '100', collateralAsset: null, collateralAmount: null },
        { kind: 'liquidation', asset: 'USDC', amount: '750', collateralAsset: 'WETH', collateralAmount: '0.4375' },
      ])
    } finally {
      await api.close()
    }
  })

  test('a subgraph that fails (5xx, malformed or truncated answer, a timeout, GraphQL errors) stores nothing and keeps what is there', async () => {
    const sync = new AaveHistorySync({ prisma: db.prisma, logger: silentLogger(), timeoutMs: 1_000 })
    const before = await db.prisma.accountEvent.count({ where: { accountId } })
    for (const fault of ['http-500', 'malformed-json', 'truncated-json', 'hang'] as const) {
      proxy.setFault(fault)
      await expect(sync.sync(accountId, proxy.url, USER), fault).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE' })
    }
    proxy.setFault('rate-limited')
    await expect(sync.sync(accountId, proxy.url, USER)).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE', retryAfterMs: 7000 })
    proxy.setFault(null)
    // graph-node's answer for a subgraph stopped on an indexing error: retried later.
    subgraph.failWith = 'indexing_error'
    await expect(sync.sync(accountId, subgraph.url, USER)).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE' })
    // A URL that serves another subgraph: the query is refused, which no retry mends.
    subgraph.failWith = 'Type `Query` has no field `supplies`'
    await expect(sync.sync(accountId, subgraph.url, USER)).rejects.toMatchObject({ code: 'VENUE_REJECTED', message: expect.stringMatching(/refused the Supplies query: Type `Query` has no field `supplies`/) })
    subgraph.failWith = null
    expect(await db.prisma.accountEvent.count({ where: { accountId } })).toBe(before)
  })

  test('afterFetch reads only accounts with a subgraph, and not more often than the interval', async () => {
    let clock = new Date('2026-11-25T00:00:00Z')
    const sync = new AaveHistorySync({ prisma: db.prisma, logger: silentLogger(), timeoutMs: 5_000, intervalMs: 600_000, now: () => clock })
    const requests = subgraph.requests
    await sync.afterFetch(accountId)
    expect(subgraph.requests).toBeGreaterThan(requests)
    const afterFirst = subgraph.requests
    clock = new Date(clock.getTime() + 60_000)
    expect(await sync.afterFetch(accountId)).toBe(0)
    expect(subgraph.requests).toBe(afterFirst)
  })
})
