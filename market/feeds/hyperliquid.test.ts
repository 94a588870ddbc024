// The Hyperliquid feed against a local server speaking Hyperliquid's WebSocket protocol. Where each message comes from:
// - allMids: the recorded mids in ../shared/data/venue-responses/hyperliquid/info-allMids.hl-python-sdk-cassette.json
//   (POST /info {"type":"allMids"}, 2023-07-17; the WebSocket channel carries the same map as `data.mids`).
// - l2Book and activeAssetCtx: the shapes of Hyperliquid's "Subscriptions" page (WsBook: coin, levels [bids, asks] of
//   {px, sz, n}, time; WsActiveAssetCtx: coin, ctx {dayNtlVlm, prevDayPx, markPx, midPx, funding, openInterest,
//   oraclePx}), https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/subscriptions. No recorded
//   book or asset context exists in venue-responses, so their values are test values around the recorded BTC mid.
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { silentLogger } from '../../core/logger.js'
import { readSharedJson } from '../../test/support/shared-data.js'
import { feedCollector } from '../../test/support/feed-collector.js'
import { hyperliquidFeed } from './hyperliquid.js'
import { startHyperliquidLocal, type HyperliquidLocal } from './local/hyperliquid-stream.js'
import { FeedSupervisor } from './supervisor.js'
import type { FeedConnection, FeedSubscription, Tick } from './types.js'

const RECORDED_MIDS = readSharedJson<Record<string, string>>('venue-responses', 'hyperliquid', 'info-allMids.hl-python-sdk-cassette.json')
const BOOK_TIME = Date.parse('2023-07-17T09:00:00.250Z')
const L2_BOOK = {
  coin: 'BTC',
  time: BOOK_TIME,
  levels: [
    [{ px: '30134.0', sz: '1.25', n: 3 }, { px: '30133.0', sz: '0.5', n: 1 }],
    [{ px: '30136.0', sz: '2.0', n: 2 }],
  ],
}
const ASSET_CTX = { coin: 'BTC', ctx: { dayNtlVlm: '1069461837.5', prevDayPx: '30263.0', markPx: '30134.5', midPx: '30135.0', funding: '0.0000125', openInterest: '5123.456', oraclePx: '30140.0' } }

const T0 = Date.parse('2026-03-12T10:17:00Z')
const BTC: FeedSubscription = { venue: 'hyperliquid', instrument: 'BTC', factor: 'BTC' }
const ETH: FeedSubscription = { venue: 'hyperliquid', instrument: 'ETH', factor: 'ETH' }

describe('Hyperliquid feed over its WebSocket', () => {
  let local: HyperliquidLocal
  let connection: FeedConnection | null = null
  const feed = (pingMs = 3_600_000) => hyperliquidFeed({ wsUrl: local.wsUrl, pingMs, now: () => T0 })

  beforeAll(async () => {
    local = await startHyperliquidLocal()
  })
  afterEach(async () => {
    await connection?.close()
    connection = null
    local.stream.dropConnections()
    local.mutePongs(false)
  })
  afterAll(async () => local?.close())

  test('subscribes to allMids once, and to l2Book and activeAssetCtx for each coin, in the docs’ request format', async () => {
    const before = local.stream.received.length
    connection = await feed().connect([BTC, ETH], feedCollector().sink)
    await local.subscribed('activeAssetCtx:ETH')
    expect(local.stream.received.slice(before).map((r) => r.message)).toEqual([
      { method: 'subscribe', subscription: { type: 'allMids' } },
      { method: 'subscribe', subscription: { type: 'l2Book', coin: 'BTC' } },
      { method: 'subscribe', subscription: { type: 'activeAssetCtx', coin: 'BTC' } },
      { method: 'subscribe', subscription: { type: 'l2Book', coin: 'ETH' } },
      { method: 'subscribe', subscription: { type: 'activeAssetCtx', coin: 'ETH' } },
    ])
  })

  test('mids come from the recorded allMids for the subscribed coins only, with no venue time (the message has none)', async () => {
    const out = feedCollector()
    connection = await feed().connect([BTC, ETH], out.sink)
    await local.subscribed('allMids')
    local.push('allMids', 'allMids', { mids: RECORDED_MIDS })
    const mid = { venue: 'hyperliquid', kind: 'mid', venueTime: null, receivedAt: new Date(T0) }
    expect(await out.next('mid', (t) => t.instrument === 'BTC')).toEqual({ ...mid, instrument: 'BTC', factor: 'BTC', price: '30135' })
    expect(await out.next('mid', (t) => t.instrument === 'ETH')).toEqual({ ...mid, instrument: 'ETH', factor: 'ETH', price: '1903.95' })
    expect(out.ticks.filter((t) => t.kind === 'mid')).toHaveLength(2)
  })

  test('the book comes from l2Book, best levels first, with the block time', async () => {
    const out = feedCollector()
    connection = await feed().connect([BTC], out.sink)
    await local.subscribed('l2Book:BTC')
    local.push('l2Book:BTC', 'l2Book', L2_BOOK)
    expect(await out.next('book')).toEqual({
      venue: 'hyperliquid', instrument: 'BTC', factor: 'BTC', kind: 'book', venueTime: new Date(BOOK_TIME), receivedAt: new Date(T0),
      bids: [['30134', '1.25'], ['30133', '0.5']],
      asks: [['30136', '2']],
    })
  })

  test('mark, oracle price (as the index), funding with the next whole hour, and open interest come from activeAssetCtx', async () => {
    const out = feedCollector()
    connection = await feed().connect([BTC], out.sink)
    await local.subscribed('activeAssetCtx:BTC')
    local.push('activeAssetCtx:BTC', 'activeAssetCtx', ASSET_CTX)
    const at = { venue: 'hyperliquid', instrument: 'BTC', factor: 'BTC', venueTime: null, receivedAt: new Date(T0) }
    expect(await out.next('mark')).toEqual({ ...at, kind: 'mark', price: '30134.5' })
    expect(await out.next('index')).toEqual({ ...at, kind: 'index', price: '30140' })
    // Received at 10:17: funding is paid on the hour, so next at 11:00.
    expect(await out.next('funding')).toEqual({ ...at, kind: 'funding', rate: '0.0000125', nextFundingTime: new Date('2026-03-12T11:00:00Z') })
    expect(await out.next('openInterest')).toEqual({ ...at, kind: 'openInterest', amount: '5123.456' })
  })

  test('a book with a malformed level is refused naming the level, and the next book is taken', async () => {
    const out = feedCollector()
    connection = await feed().connect([BTC], out.sink)
    await local.subscribed('l2Book:BTC')
    const refused = out.nextProblem()
    local.push('l2Book:BTC', 'l2Book', { ...L2_BOOK, levels: [[{ px: '30134.0', sz: 'lots', n: 3 }], L2_BOOK.levels[1]] })
    expect(await refused).toMatchObject({ venue: 'hyperliquid', instrument: 'BTC', reason: 'l2Book: bids[0].sz: expected a decimal number, got "lots"' })
    local.push('l2Book:BTC', 'l2Book', L2_BOOK)
    expect(await out.next('book')).toMatchObject({ bids: [['30134', '1.25'], ['30133', '0.5']] })
    expect(out.ticks.filter((t) => t.kind === 'book')).toHaveLength(1)
  })

  test('a ping goes out every heartbeat; when the pongs stop, the connection is dropped as dead', async () => {
    connection = await feed(25).connect([BTC], feedCollector().sink)
    await local.stream.whenReceived((m) => (m as { method?: string }).method === 'ping')
    local.mutePongs(true)
    expect(await connection.ended).toEqual({ kind: 'dropped', reason: 'no message for 25 ms, not even a pong' })
  })

  test('a stream dropped mid-session reconnects through the supervisor, resubscribes, and the gap is recorded', async () => {
    let now = T0
    const supervisor = new FeedSupervisor({ logger: silentLogger(), now: () => now, random: () => 0, wait: async () => undefined })
    const gaps: unknown[] = []
    supervisor.listen({ gap: (g) => void gaps.push(g) })
    const nextMark = () => new Promise<Tick>((resolve) => { const stop = supervisor.listen({ tick: (t) => t.kind === 'mark' && (stop(), resolve(t)) }) })
    supervisor.start(hyperliquidFeed({ wsUrl: local.wsUrl, pingMs: 3_600_000, now: () => now }), [BTC])
    try {
      await local.subscribed('activeAssetCtx:BTC')
      let arrived = nextMark()
      local.push('activeAssetCtx:BTC', 'activeAssetCtx', ASSET_CTX)
      await arrived
      now = T0 + 3_000
      local.stream.dropConnections()
      await local.subscribed('activeAssetCtx:BTC')
      now = T0 + 4_200
      arrived = nextMark()
      local.push('activeAssetCtx:BTC', 'activeAssetCtx', { ...ASSET_CTX, ctx: { ...ASSET_CTX.ctx, markPx: '30120.0' } })
      expect(await arrived).toMatchObject({ price: '30120', receivedAt: new Date(T0 + 4_200) })
      expect(gaps).toContainEqual({ venue: 'hyperliquid', instrument: 'BTC', kind: 'mark', from: new Date(T0), to: new Date(T0 + 4_200), reason: expect.stringMatching(/closed by the server \(1006/) })
    } finally {
      await supervisor.stop()
    }
  })
})
