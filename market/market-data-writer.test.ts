// The live market's storage on both databases the suite uses: ticks into one-minute bars, depth snapshots into
// BookDepth, funding and open interest, each flush one INSERT per table; and the retention that prunes them.
// Prices and books are test values (round numbers so each sum below can be checked by hand).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals'
import { silentLogger } from '../core/logger.js'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../test/support/databases.js'
import { FeedSupervisor } from './feeds/supervisor.js'
import type { BookLevel, FeedEnd, MarketFeed, PriceKind, Tick } from './feeds/types.js'
import { DEFAULT_MARKET_RETENTION, pruneMarketData } from './market-data-retention.js'
import { MarketDataWriter } from './market-data-writer.js'

const at = (time: string) => new Date(`2026-03-12T${time}Z`)
const mark = (time: string, price: string, venue = 'binance', instrument = 'BTCUSDT', kind: PriceKind = 'mark'): Tick => ({ venue, instrument, factor: 'BTC', kind, price, venueTime: at(time), receivedAt: at(time) })
const book = (time: string, bids: BookLevel[], asks: BookLevel[]): Tick => ({ venue: 'hyperliquid', instrument: 'BTC', factor: 'BTC', kind: 'book', bids, asks, venueTime: at(time), receivedAt: at(time) })
const funding = (time: string, rate: string): Tick => ({ venue: 'binance', instrument: 'BTCUSDT', factor: 'BTC', kind: 'funding', rate, nextFundingTime: at('16:00:00'), venueTime: at(time), receivedAt: at(time) })
const openInterest = (time: string, amount: string): Tick => ({ venue: 'hyperliquid', instrument: 'BTC', factor: 'BTC', kind: 'openInterest', amount, venueTime: null, receivedAt: at(time) })

describe.each(testDatabaseKinds)('market data storage on %s', (kind) => {
  let db: TestDatabase
  const inserts: string[] = []
  const writer = () => new MarketDataWriter({ prisma: db.prisma, logger: silentLogger() })

  beforeAll(async () => {
    db = await createTestDatabase(kind, {
      onQuery: (sql) => {
        const table = /^\s*INSERT INTO (?:"public"\.)?"(\w+)"/.exec(sql)?.[1]
        if (table) inserts.push(table)
      },
    })
  })
  beforeEach(async () => {
    inserts.length = 0
    await db.prisma.priceBar.deleteMany()
    await db.prisma.bookDepth.deleteMany()
    await db.prisma.fundingRate.deleteMany()
    await db.prisma.openInterest.deleteMany()
  })
  afterAll(async () => db?.destroy())

  const bars = async () =>
    (await db.prisma.priceBar.findMany({ orderBy: [{ venue: 'asc' }, { start: 'asc' }] })).map((b) => ({
      venue: b.venue,
      start: b.start.toISOString(),
      open: b.open.toFixed(),
      high: b.high.toFixed(),
      low: b.low.toFixed(),
      close: b.close.toFixed(),
      ticks: b.ticks,
    }))

  test('ticks are stored as one-minute bars: open and close by the ticks’ own times, high, low and the tick count, in one statement', async () => {
    const w = writer()
    for (const tick of [mark('10:00:05', '65000'), mark('10:00:20', '65100'), mark('10:00:40', '64900'), mark('10:00:59.900', '65050'), mark('10:01:00', '65060'), mark('10:00:10', '64950'), mark('10:00:30', '3010', 'hyperliquid', 'ETH')]) w.add(tick)
    expect(await w.flush()).toEqual({ bars: 3, depth: 0, funding: 0, openInterest: 0 })
    expect(await bars()).toEqual([
      { venue: 'binance', start: '2026-03-12T10:00:00.000Z', open: '65000', high: '65100', low: '64900', close: '65050', ticks: 5 },
      { venue: 'binance', start: '2026-03-12T10:01:00.000Z', open: '65060', high: '65060', low: '65060', close: '65060', ticks: 1 },
      { venue: 'hyperliquid', start: '2026-03-12T10:00:00.000Z', open: '3010', high: '3010', low: '3010', close: '3010', ticks: 1 },
    ])
    expect(inserts).toEqual(['PriceBar'])
    const stored = await db.prisma.priceBar.findFirstOrThrow({ where: { venue: 'binance', start: at('10:00:00') } })
    expect([stored.kind, stored.factor, stored.openAt.toISOString(), stored.closeAt.toISOString()]).toEqual(['mark', 'BTC', '2026-03-12T10:00:05.000Z', '2026-03-12T10:00:59.900Z'])
  })

  test('a minute flushed in two parts merges: the first open stays, the latest close wins, high, low and ticks combine', async () => {
    const w = writer()
    w.add(mark('10:01:05', '65060'))
    w.add(mark('10:01:10', '65080'))
    await w.flush()
    w.add(mark('10:01:30', '65200'))
    w.add(mark('10:01:45', '65010'))
    await w.flush()
    expect(await bars()).toEqual([{ venue: 'binance', start: '2026-03-12T10:01:00.000Z', open: '65060', high: '65200', low: '65010', close: '65010', ticks: 4 }])
    // A late tick from before the stored open (a reconnect replaying) becomes the open; the close stays.
    w.add(mark('10:01:02', '65070'))
    await w.flush()
    expect((await bars()).at(-1)).toEqual({ venue: 'binance', start: '2026-03-12T10:01:00.000Z', open: '65070', high: '65200', low: '65010', close: '65010', ticks: 5 })
    expect(inserts).toEqual(['PriceBar', 'PriceBar', 'PriceBar'])
  })

  test('a book is stored as depth within ±0.5/1/2 % of mid and its levels within ±2 %, at most once a minute', async () => {
    // Mid (99.9 + 100.1) / 2 = 100.
    // ±0.5 %: bids ≥ 99.5: 99.9×10 + 99.5×20 = 2989; asks ≤ 100.5: 100.1×10 + 100.5×20 = 3011.
    // ±1 %: bids ≥ 99: 2989 + 99×30 = 5959; asks ≤ 101: 3011 + 101×30 = 6041.
    // ±2 %: bids ≥ 98: 5959 + 98×40 = 9879 (the 97 level shows the side goes past the edge); asks ≤ 102: every
    // visible ask (the last at 101.9) is inside, so the side may go on unseen: null rather than an undercount.
    const bids: BookLevel[] = [['99.9', '10'], ['99.5', '20'], ['99', '30'], ['98', '40'], ['97', '50']]
    const asks: BookLevel[] = [['100.1', '10'], ['100.5', '20'], ['101', '30'], ['101.9', '5']]
    const w = writer()
    w.add(book('10:00:00', bids, asks))
    w.add(book('10:00:30', [['99.8', '1']], [['100.2', '1']]))
    expect(await w.flush()).toMatchObject({ depth: 1 })
    w.add(book('10:00:59', [['99.8', '1']], [['100.2', '1']]))
    expect(await w.flush()).toMatchObject({ depth: 0 })
    w.add(book('10:01:00', [['99.7', '2']], [['100.3', '2']]))
    expect(await w.flush()).toMatchObject({ depth: 1 })

    const rows = await db.prisma.bookDepth.findMany({ orderBy: { time: 'asc' } })
    expect(rows.map((r) => r.time.toISOString())).toEqual(['2026-03-12T10:00:00.000Z', '2026-03-12T10:01:00.000Z'])
    const first = rows[0]!
    expect([first.mid, first.bid050, first.ask050, first.bid100, first.ask100, first.bid200, first.ask200].map((d) => d?.toFixed() ?? null)).toEqual(['100', '2989', '3011', '5959', '6041', '9879', null])
    expect(first.levels).toEqual({ bids: bids.slice(0, 4), asks })
    expect(inserts).toEqual(['BookDepth', 'BookDepth'])
  })

  test('funding and open interest are sampled once a minute per instrument, one statement per table per flush', async () => {
    const w = writer()
    w.add(funding('10:00:00', '0.0001'))
    w.add(funding('10:00:01', '0.00011'))
    w.add(openInterest('10:00:00', '5123.456'))
    w.add(mark('10:00:00', '65000'))
    expect(await w.flush()).toEqual({ bars: 1, depth: 0, funding: 1, openInterest: 1 })
    w.add(funding('10:01:00', '0.00012'))
    w.add(openInterest('10:00:59', '5124'))
    expect(await w.flush()).toEqual({ bars: 0, depth: 0, funding: 1, openInterest: 0 })
    expect((await db.prisma.fundingRate.findMany({ orderBy: { time: 'asc' } })).map((f) => [f.time.toISOString(), f.rate.toFixed(), f.nextFundingTime?.toISOString()])).toEqual([
      ['2026-03-12T10:00:00.000Z', '0.0001', '2026-03-12T16:00:00.000Z'],
      ['2026-03-12T10:01:00.000Z', '0.00012', '2026-03-12T16:00:00.000Z'],
    ])
    // Hyperliquid's asset context carries no time: the receive time stands in.
    expect((await db.prisma.openInterest.findMany()).map((o) => [o.time.toISOString(), o.amount.toFixed()])).toEqual([['2026-03-12T10:00:00.000Z', '5123.456']])
    expect(inserts.sort()).toEqual(['FundingRate', 'FundingRate', 'OpenInterest', 'PriceBar'])
  })

  test('the supervisor’s accepted ticks become bars; a quarantined spike never reaches storage', async () => {
    const sent = [mark('10:03:00', '65000', 'binance', 'BTCUSDT', 'index'), mark('10:03:01', '65000'), mark('10:03:02', '72000'), mark('10:03:03', '65020')]
    // A feed that delivers four ticks on connect: the spike is 10.8 % from the index a second before it.
    const feed: MarketFeed = {
      venue: 'binance',
      kinds: ['mark', 'index'],
      stalenessBudgetMs: { mark: 10_000, index: 10_000, mid: 10_000, funding: 10_000, openInterest: 10_000, book: 10_000 },
      async connect(_subscriptions, sink) {
        let close!: (end: FeedEnd) => void
        const ended = new Promise<FeedEnd>((resolve) => (close = resolve))
        queueMicrotask(() => sent.forEach((tick) => sink.tick(tick)))
        return { ended, close: async () => close({ kind: 'closed' }) }
      },
    }
    const w = writer()
    const supervisor = new FeedSupervisor({ logger: silentLogger(), now: () => at('10:03:03').getTime() })
    const quarantined: string[] = []
    const done = new Promise<void>((resolve) =>
      supervisor.listen({
        tick(t) {
          w.add(t)
          if (t.kind === 'mark' && t.price === '65020') resolve()
        },
        quarantined: (q) => void quarantined.push(q.tick.price),
      }),
    )
    supervisor.start(feed, [{ venue: 'binance', instrument: 'BTCUSDT', factor: 'BTC' }])
    await done
    await supervisor.stop()
    await w.flush()
    expect(quarantined).toEqual(['72000'])
    expect(await bars()).toEqual([{ venue: 'binance', start: '2026-03-12T10:03:00.000Z', open: '65000', high: '65020', low: '65000', close: '65020', ticks: 2 }])
  })

  test('a flush that fails keeps what it took for the next one', async () => {
    let fail = true
    const flaky = new Proxy(db.prisma, {
      get(target, property, receiver) {
        if (property === '$executeRaw' && fail) {
          fail = false
          return () => Promise.reject(new Error('connection reset'))
        }
        return Reflect.get(target, property, receiver) as unknown
      },
    })
    const w = new MarketDataWriter({ prisma: flaky, logger: silentLogger() })
    w.add(mark('10:02:00', '65000'))
    await expect(w.flush()).rejects.toThrow('connection reset')
    w.add(mark('10:02:30', '65300'))
    expect(await w.flush()).toMatchObject({ bars: 1 })
    expect(await bars()).toEqual([{ venue: 'binance', start: '2026-03-12T10:02:00.000Z', open: '65000', high: '65300', low: '65000', close: '65300', ticks: 2 }])
  })

  test('retention removes what the policy no longer keeps, table by table', async () => {
    const now = at('12:00:00')
    const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000 - 1)
    const w = writer()
    w.add({ ...mark('10:00:00', '65000'), venueTime: daysAgo(90) })
    w.add(mark('10:00:00', '65000'))
    w.add({ ...book('10:00:00', [['99', '1']], [['101', '1']]), venueTime: daysAgo(7) })
    w.add({ ...funding('10:00:00', '0.0001'), venueTime: daysAgo(400) })
    w.add({ ...openInterest('10:00:00', '1'), receivedAt: daysAgo(90) })
    await w.flush()
    expect(await pruneMarketData(db.prisma, DEFAULT_MARKET_RETENTION, now)).toEqual({ priceBars: 1, bookDepth: 1, fundingRates: 1, openInterest: 1 })
    expect(await db.prisma.priceBar.count()).toBe(1)
    expect(await pruneMarketData(db.prisma, { priceBarDays: null, bookDepthDays: null, fundingRateDays: null, openInterestDays: null }, now)).toEqual({ priceBars: 0, bookDepth: 0, fundingRates: 0, openInterest: 0 })
  })
})
