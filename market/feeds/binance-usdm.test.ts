// The Binance USDⓈ-M feed through ccxt.pro against a local server speaking Binance's stream protocol and REST.
// Where each message comes from:
// - markPriceUpdate: the example payload of Binance's "Mark Price Stream" page, verbatim
//   (https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Mark-Price-Stream).
// - depthUpdate and the REST depth snapshot: the shapes of "Diff. Book Depth Streams" and "Order Book"
//   (…/websocket-market-streams/Diff-Book-Depth-Streams, …/market-data/rest-api/Order-Book); the docs' example prices
//   (0.0024, 4.00000200) belong to no one market, so the levels here are test values around the mark example's price.
// - premiumIndex and openInterest: the example responses of "Mark Price" and "Open Interest"
//   (…/market-data/rest-api/Mark-Price, …/market-data/rest-api/Open-Interest), verbatim.
// - exchangeInfo: test/support/binance-markets.ts (the hand-written docs-format file of venues/binance/testdata, with
//   BTCUSDT added under the ADAUSDT entry's terms: no recorded exchangeInfo exists in venue-responses/binance).
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { silentLogger } from '../../core/logger.js'
import { FeedSupervisor } from './supervisor.js'
import { binanceUsdmFeed } from './binance-usdm.js'
import { startBinanceUsdmLocal, type BinanceUsdmLocal } from './local/binance-usdm-stream.js'
import { exchangeInfoWithBtcusdt as exchangeInfo } from '../../test/support/binance-markets.js'
import { feedCollector as collector } from '../../test/support/feed-collector.js'
import type { FeedConnection, FeedSubscription, Tick } from './types.js'

const MARK_PRICE_UPDATE = { e: 'markPriceUpdate', E: 1562305380000, s: 'BTCUSDT', p: '11794.15000000', i: '11784.62659091', P: '11784.25641265', r: '0.00038167', T: 1562306400000 }
const DEPTH_SNAPSHOT = { lastUpdateId: 1027024, E: 1589436922972, T: 1589436922959, bids: [['11794.10', '1.500'], ['11794.00', '2.250'], ['11790.00', '4.000']], asks: [['11794.20', '0.800'], ['11795.00', '3.100']] }
const DEPTH_UPDATE = { e: 'depthUpdate', E: 1589436923000, T: 1589436922990, s: 'BTCUSDT', U: 1027020, u: 1027030, pu: 1027019, b: [['11794.10', '0'], ['11793.50', '2.000']], a: [['11794.20', '1.200']] }
const PREMIUM_INDEX = { symbol: 'BTCUSDT', markPrice: '11793.63104562', indexPrice: '11781.80495970', estimatedSettlePrice: '11781.16138815', lastFundingRate: '0.00038246', interestRate: '0.00010000', nextFundingTime: 1597392000000, time: 1597370495002 }
const OPEN_INTEREST = { openInterest: '10659.509', symbol: 'BTCUSDT', time: 1589437530011 }

const T0 = Date.parse('2026-03-12T10:00:00Z')
const BTCUSDT: FeedSubscription = { venue: 'binance', instrument: 'BTCUSDT', factor: 'BTC' }
const MARK_STREAM = 'btcusdt@markPrice@1s'
const DEPTH_STREAM = 'btcusdt@depth@100ms'

describe('Binance USDⓈ-M feed through ccxt.pro', () => {
  let local: BinanceUsdmLocal
  let connection: FeedConnection | null = null
  const feed = () => binanceUsdmFeed({ restUrl: local.restUrl, wsUrl: local.wsUrl, pollMs: 3_600_000, now: () => T0 })

  beforeAll(async () => {
    local = await startBinanceUsdmLocal({ exchangeInfo, depth: () => DEPTH_SNAPSHOT, premiumIndex: () => PREMIUM_INDEX, openInterest: () => OPEN_INTEREST })
  })
  afterEach(async () => {
    await connection?.close()
    connection = null
    // The server forgets the closed test's connections at once, so the next test waits for its own subscriptions.
    local.stream.dropConnections()
  })
  afterAll(async () => local?.close())

  test('mark, index and funding come from the mark-price stream as Binance wrote them; open interest and the first funding from REST', async () => {
    const out = collector()
    connection = await feed().connect([BTCUSDT], out.sink)
    // Before the stream says anything, funding comes from GET /fapi/v1/premiumIndex; open interest always does.
    const polled = { venue: 'binance', instrument: 'BTCUSDT', factor: 'BTC', receivedAt: new Date(T0) }
    expect(await out.next('openInterest')).toEqual({ ...polled, kind: 'openInterest', amount: '10659.509', venueTime: new Date(1589437530011) })
    expect(await out.next('funding')).toEqual({ ...polled, kind: 'funding', rate: '0.00038246', nextFundingTime: new Date(1597392000000), venueTime: new Date(1597370495002) })
    await local.subscribed(MARK_STREAM)
    local.push(MARK_STREAM, MARK_PRICE_UPDATE)
    const streamed = { venue: 'binance', instrument: 'BTCUSDT', factor: 'BTC', venueTime: new Date(1562305380000), receivedAt: new Date(T0) }
    expect(await out.next('mark')).toEqual({ ...streamed, kind: 'mark', price: '11794.15' })
    expect(await out.next('index')).toEqual({ ...streamed, kind: 'index', price: '11784.62659091' })
    expect(await out.next('funding')).toEqual({ ...streamed, kind: 'funding', rate: '0.00038167', nextFundingTime: new Date(1562306400000) })
    expect(out.problems).toEqual([])
  })

  test('the book starts from the REST snapshot and follows the diff stream, best levels first', async () => {
    const out = collector()
    connection = await feed().connect([BTCUSDT], out.sink)
    await local.subscribed(DEPTH_STREAM)
    const snapshot = await out.next('book')
    expect(snapshot).toMatchObject({ kind: 'book', venueTime: new Date(1589436922959), bids: [['11794.1', '1.5'], ['11794', '2.25'], ['11790', '4']], asks: [['11794.2', '0.8'], ['11795', '3.1']] })
    local.push(DEPTH_STREAM, DEPTH_UPDATE)
    // 11794.10 removed (size 0), 11793.50 added, the best ask resized.
    expect(await out.next('book')).toMatchObject({ venueTime: new Date(1589436923000), bids: [['11794', '2.25'], ['11793.5', '2'], ['11790', '4']], asks: [['11794.2', '1.2'], ['11795', '3.1']] })
  })

  test('a malformed mark price is refused naming the field, and the stream goes on', async () => {
    const out = collector()
    connection = await feed().connect([BTCUSDT], out.sink)
    await local.subscribed(MARK_STREAM)
    const refused = out.nextProblem()
    local.push(MARK_STREAM, { ...MARK_PRICE_UPDATE, p: 'NaN' })
    await refused
    // ccxt resolves one watch per message it hands over: the next message is sent once the refusal is in.
    local.push(MARK_STREAM, { ...MARK_PRICE_UPDATE, E: 1562305381000, p: '11795.00000000' })
    expect(await out.next('mark')).toMatchObject({ price: '11795', venueTime: new Date(1562305381000) })
    expect(out.problems).toEqual([expect.objectContaining({ instrument: 'BTCUSDT', kind: 'mark', reason: expect.stringMatching(/markPriceUpdate: .*p: expected a decimal number, got "NaN"/) })])
    expect(out.ticks.filter((t) => t.kind === 'mark')).toHaveLength(1)
  })

  test('an instrument Binance does not list is refused; the listed ones are still watched', async () => {
    const out = collector()
    connection = await feed().connect([{ venue: 'binance', instrument: 'NOPEUSDT', factor: 'NOPE' }, BTCUSDT], out.sink)
    expect(out.problems).toEqual([expect.objectContaining({ instrument: 'NOPEUSDT', reason: 'no USDⓈ-M market NOPEUSDT on Binance' })])
    await local.subscribed(MARK_STREAM)
    await expect(feed().connect([{ venue: 'binance', instrument: 'NOPEUSDT', factor: 'NOPE' }], out.sink)).rejects.toThrow(/none of NOPEUSDT is a USDⓈ-M market/)
  })

  test('a stream dropped mid-session reconnects through the supervisor, resubscribes, and the gap is recorded', async () => {
    let now = T0
    const supervisor = new FeedSupervisor({ logger: silentLogger(), now: () => now, random: () => 0, wait: async () => undefined })
    const gaps: unknown[] = []
    const marks: Tick[] = []
    supervisor.listen({ gap: (g) => void gaps.push(g), tick: (t) => void (t.kind === 'mark' && marks.push(t)) })
    const exchangeInfoReads = () => local.rest.requests.filter((r) => r.path === '/fapi/v1/exchangeInfo').length
    const readsBefore = exchangeInfoReads()
    const nextMark = () => new Promise<Tick>((resolve) => { const stop = supervisor.listen({ tick: (t) => t.kind === 'mark' && (stop(), resolve(t)) }) })
    supervisor.start(binanceUsdmFeed({ restUrl: local.restUrl, wsUrl: local.wsUrl, pollMs: 3_600_000, now: () => now }), [BTCUSDT])
    try {
      await local.subscribed(MARK_STREAM)
      let arrived = nextMark()
      local.push(MARK_STREAM, MARK_PRICE_UPDATE)
      await arrived

      now = T0 + 4_000
      local.stream.dropConnections()
      // ccxt opens the mark stream again on a new connection and sends SUBSCRIBE for the same stream.
      await local.subscribed(MARK_STREAM)
      now = T0 + 6_500
      arrived = nextMark()
      local.push(MARK_STREAM, { ...MARK_PRICE_UPDATE, E: 1562305386500, p: '11790.00000000' })
      expect(await arrived).toMatchObject({ price: '11790', receivedAt: new Date(T0 + 6_500) })

      expect(gaps).toContainEqual({ venue: 'binance', instrument: 'BTCUSDT', kind: 'mark', from: new Date(T0), to: new Date(T0 + 6_500), reason: expect.stringMatching(/BTCUSDT (mark price|depth) stream: .*(closed|1006)/) })
      expect(marks.map((t) => (t.kind === 'mark' ? t.price : null))).toEqual(['11794.15', '11790'])
      // The markets were loaded once; the reconnect did not wait on REST for them.
      expect(exchangeInfoReads() - readsBefore).toBe(1)
    } finally {
      await supervisor.stop()
    }
  })
})
