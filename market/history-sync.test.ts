// The daily history kept current from Binance spot's klines. The local server answers /api/v3/klines in Binance's
// documented row format from the shared real history (../shared/data/prices: Binance spot USDT daily candles), as
// of 2025-12-31 12:00 UTC: that day's candle is still open, so the last closed day is 2025-12-30.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { silentLogger } from '../core/logger.js'
import { startReplayServer, type RecordedRequest, type ReplayServer } from '../core/replay/http-replay-server.js'
import { createTestDatabase, emptyTables, type TestDatabase, type TestDatabaseKind } from '../test/support/databases.js'
import { sharedDataPath } from '../test/support/shared-data.js'
import { lendingSnapshot } from '../test/support/snapshots.js'
import { writeSnapshot } from '../indexer/snapshot-writer.js'
import { loadPriceHistory, storeCandles } from './candle-store.js'
import { PriceHistorySync, contiguousRun } from './history-sync.js'
import { readCandlesCsv, type Candle } from './price-csv.js'

const NOW = new Date('2025-12-31T12:00:00Z')
const DAY_MS = 86_400_000
const SERVED = ['BTC', 'ETH', 'SOL', 'XRP', 'AVAX', 'LINK'] as const
const recorded = Object.fromEntries(SERVED.map((asset) => [asset, readCandlesCsv(sharedDataPath('prices', `${asset}-USD-1d.csv`))])) as Record<(typeof SERVED)[number], Candle[]>
/** Every closed day of a file: all but 2025-12-31. */
const closed = (asset: (typeof SERVED)[number]) => recorded[asset].filter((c) => c.date < '2025-12-31')

/** What the test server does to an answer before it is sent. */
type Tamper = (symbol: string, request: RecordedRequest, rows: unknown[][]) => { status: number; body: unknown } | unknown[][]
const untouched: Tamper = (_s, _r, rows) => rows
let tamper = untouched

function klines(request: RecordedRequest): { status: number; body: unknown } | unknown[][] {
  const symbol = request.query.get('symbol') ?? ''
  const asset = symbol.replace(/USDT$/, '') as (typeof SERVED)[number]
  if (!SERVED.includes(asset) || request.query.get('interval') !== '1d') return { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } }
  const start = Number(request.query.get('startTime') ?? 0)
  const limit = Number(request.query.get('limit') ?? 500)
  const rows = recorded[asset]
    .map((c) => ({ c, open: Date.parse(`${c.date}T00:00:00Z`) }))
    .filter(({ open }) => open >= start)
    .slice(0, limit)
    .map(({ c, open }) => [open, c.open, c.high, c.low, c.close, c.volume, open + DAY_MS - 1, '0', 0, '0', '0', '0'])
  return tamper(symbol, request, rows)
}

describe.each<TestDatabaseKind>(['pglite', 'postgres'])('daily history from Binance spot on %s', (kind) => {
  let db: TestDatabase
  let binance: ReplayServer
  let answer: { status: number; body: unknown } | unknown[][] = []
  const sync = (assets: string[]) => new PriceHistorySync({ prisma: db.prisma, logger: silentLogger(), settings: { url: binance.url, assets }, timeoutMs: 5_000, now: () => NOW })
  const asked = (symbol: string) => binance.requests.filter((r) => r.query.get('symbol') === symbol).map((r) => new Date(Number(r.query.get('startTime'))).toISOString().slice(0, 10))

  beforeAll(async () => {
    db = await createTestDatabase(kind)
    binance = await startReplayServer({
      routes: {
        'GET /api/v3/klines': {
          guard: (request) => {
            answer = klines(request)
            return Array.isArray(answer) ? null : answer
          },
          body: () => answer,
        },
      },
    })
  })
  afterAll(async () => {
    await binance?.close()
    await db?.destroy()
  })
  // Each test starts from an empty store and stores what it needs itself: none relies on another having run first.
  beforeEach(async () => {
    await emptyTables(db)
    binance.requests.length = 0
    tamper = untouched
  })

  test('from nothing: every closed day since listing, a thousand a page, the same closes as the recorded history', async () => {
    const result = await sync(['BTC']).syncOnce()
    expect(result).toEqual({ stored: { BTC: closed('BTC').length }, failed: {}, unavailable: [], holes: {} })
    // 3,059 days from 2017-08-17: pages from listing, +1000, +2000, +3000 days (the last holds the open day only).
    expect(asked('BTCUSDT')).toEqual(['1970-01-01', '2020-05-13', '2023-02-07', '2025-11-03'])
    const history = (await loadPriceHistory(db.prisma))!
    expect(history.dates.at(-1)).toBe('2025-12-30')
    const btc = history.closes[history.factors.indexOf('BTC')]!
    expect(btc.at(-1)).toBe(88485.49) // BTC-USD-1d.csv, 2025-12-30
    expect(btc[history.dates.indexOf('2017-08-17')]).toBe(4285.08)
  })

  test('an asset already stored continues from the day after its last one; a current one costs one short request', async () => {
    await storeCandles(db.prisma, 'BTC', 'binance-spot', closed('BTC'))
    await storeCandles(db.prisma, 'ETH', 'binance-spot', closed('ETH').slice(0, 2000))
    const result = await sync([]).syncOnce()
    // ETH is wanted because it is stored; BTC too, and it is current.
    expect(result.stored).toEqual({ BTC: 0, ETH: closed('ETH').length - 2000 })
    expect(asked('ETHUSDT')).toEqual([closed('ETH')[2000]!.date, expect.any(String)])
    expect(asked('BTCUSDT')).toEqual(['2025-12-31'])
    const history = (await loadPriceHistory(db.prisma))!
    expect(history.closes[history.factors.indexOf('ETH')]!.at(-1)).toBe(Number(closed('ETH').at(-1)!.close))
  })

  test('every factor a portfolio holds is kept current; an asset Binance does not list is skipped and not asked again', async () => {
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Holder' } })
    const account = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'aave-v3', label: 'sol', config: {} } })
    // A lending account holding SOL against USDC, and a configured asset with no USDT market.
    const snapshot = lendingSnapshot(NOW, '10', '500')
    await writeSnapshot(db.prisma, account, { ...snapshot, balances: snapshot.balances.map((b) => (b.kind === 'collateral' ? { ...b, asset: 'SOL', canonicalAsset: 'SOL' } : b)) }, 1)
    const job = sync(['NOPE'])
    const first = await job.syncOnce()
    expect(first.stored.SOL).toBe(closed('SOL').length)
    expect(first.unavailable).toEqual(['NOPE'])
    expect(Object.keys(first.stored)).not.toContain('USD')
    binance.requests.length = 0
    const second = await job.syncOnce()
    expect(second.unavailable).toEqual([])
    expect(asked('NOPEUSDT')).toEqual([])
  })

  test('a failed page stores nothing of the asset this time, the next run stores it all; other assets go on meanwhile', async () => {
    await storeCandles(db.prisma, 'SOL', 'binance-spot', closed('SOL'))
    let failures = 1
    tamper = (symbol, request, rows) => {
      if (symbol === 'XRPUSDT' && Number(request.query.get('startTime')) > 0 && failures-- > 0) return { status: 500, body: { code: -1001, msg: 'Internal error' } }
      if (symbol === 'AVAXUSDT') return { status: 429, body: { code: -1003, msg: 'Too many requests' } }
      return rows
    }
    try {
      const job = sync(['XRP', 'AVAX'])
      const first = await job.syncOnce()
      expect(first.failed).toEqual({ AVAX: expect.stringMatching(/rate-limited \(HTTP 429\)/), XRP: expect.stringMatching(/HTTP 500/) })
      // Nothing of XRP was stored: the first page's candles are stored only once the whole answer is in.
      expect(await db.prisma.candle.count({ where: { asset: 'XRP' } })).toBe(0)
      expect(first.stored.SOL).toBe(0)
      const second = await job.syncOnce()
      expect(second.stored.XRP).toBe(closed('XRP').length)
      expect(second.failed).toEqual({ AVAX: expect.stringMatching(/429/) })
    } finally {
      tamper = (_s, _r, rows) => rows
    }
  })

  test('a malformed row stores nothing of the asset, naming the field; a skipped day stores up to the day before it', async () => {
    tamper = (symbol, _request, rows) => {
      if (symbol === 'AVAXUSDT') return rows.map((row, i) => (i === 5 ? [row[0], row[1], row[2], row[3], 'abc', ...row.slice(5)] : row))
      if (symbol === 'LINKUSDT') return rows.filter((row) => row[0] !== Date.parse('2020-03-12T00:00:00Z'))
      return rows
    }
    try {
      const result = await sync(['AVAX', 'LINK']).syncOnce()
      expect(result.failed.AVAX).toMatch(/AVAXUSDT kline 5: close "abc" is not a decimal/)
      expect(await db.prisma.candle.count({ where: { asset: 'AVAX' } })).toBe(0)
      expect(result.holes).toEqual({ LINK: '2020-03-12' })
      const link = await db.prisma.candle.findFirst({ where: { asset: 'LINK' }, orderBy: { date: 'desc' } })
      expect(link!.date.toISOString().slice(0, 10)).toBe('2020-03-11')
      // The history stays usable: no factor has a hole.
      expect((await loadPriceHistory(db.prisma))!.factors).toContain('LINK')
    } finally {
      tamper = (_s, _r, rows) => rows
    }
  })
})

describe('contiguousRun', () => {
  const day = (date: string) => ({ date, open: '1', high: '1', low: '1', close: '1', volume: '0' })
  test('keeps the run that continues the stored day, skipping days already stored and stopping at a hole', () => {
    expect(contiguousRun([day('2025-01-01'), day('2025-01-02'), day('2025-01-03'), day('2025-01-05')], '2025-01-01')).toEqual({ run: [day('2025-01-02'), day('2025-01-03')], holeAt: '2025-01-04' })
    expect(contiguousRun([day('2025-01-03')], '2025-01-01')).toEqual({ run: [], holeAt: '2025-01-02' })
    expect(contiguousRun([day('2024-12-31'), day('2025-01-01')], null)).toEqual({ run: [day('2024-12-31'), day('2025-01-01')], holeAt: null })
  })
})
