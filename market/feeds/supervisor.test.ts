// The supervisor against a scripted feed: reconnects with backoff, gaps, staleness. The venue protocols themselves are
// exercised in binance-usdm.test.ts and hyperliquid.test.ts against local servers; here the clock and the waits are
// the test's, so nothing sleeps.
import { describe, expect, test } from '@jest/globals'
import { silentLogger } from '../../core/logger.js'
import { VenueUnavailable } from '../../core/errors.js'
import { backoffDelay, DEFAULT_BACKOFF, FeedSupervisor, type ConnectionEvent, type QuarantinedPrint } from './supervisor.js'
import type { FeedConnection, FeedEnd, FeedSink, FeedSubscription, MarketFeed, Tick, TickKind } from './types.js'

const T0 = Date.parse('2026-03-12T10:00:00Z')
const BTC: FeedSubscription = { venue: 'scripted', instrument: 'BTC-PERP', factor: 'BTC' }

/** A feed whose connections the test opens, drops and refuses by hand. */
class ScriptedFeed implements MarketFeed {
  constructor(readonly venue = 'scripted') {}
  readonly kinds: TickKind[] = ['mark', 'book']
  readonly stalenessBudgetMs = { mark: 10_000, index: 10_000, mid: 10_000, funding: 60_000, openInterest: 60_000, book: 5_000 }
  connects: FeedSubscription[][] = []
  refuseNext = 0
  private current: { sink: FeedSink; end: (e: FeedEnd) => void } | null = null

  async connect(subscriptions: readonly FeedSubscription[], sink: FeedSink): Promise<FeedConnection> {
    this.connects.push([...subscriptions])
    if (this.refuseNext > 0) {
      this.refuseNext -= 1
      throw new VenueUnavailable('scripted: connection refused')
    }
    let end!: (e: FeedEnd) => void
    const ended = new Promise<FeedEnd>((resolve) => (end = resolve))
    this.current = { sink, end }
    return { ended, close: async () => end({ kind: 'closed' }) }
  }

  send(tick: Tick): void {
    this.current!.sink.tick(tick)
  }

  drop(reason: string): void {
    const current = this.current!
    this.current = null
    current.end({ kind: 'dropped', reason })
  }
}

const mark = (at: number, price: string, instrument = 'BTC-PERP', venue = 'scripted'): Tick => ({ venue, instrument, factor: 'BTC', kind: 'mark', price, venueTime: new Date(at - 50), receivedAt: new Date(at) })
const book = (at: number, bids: [string, string][], asks: [string, string][]): Tick => ({ venue: 'scripted', instrument: 'BTC-PERP', factor: 'BTC', kind: 'book', bids, asks, venueTime: null, receivedAt: new Date(at) })

function setup() {
  let now = T0
  const waits: number[] = []
  const events: ConnectionEvent[] = []
  const supervisor = new FeedSupervisor({ logger: silentLogger(), now: () => now, random: () => 0, wait: async (ms) => void waits.push(ms) })
  supervisor.listen({ connection: (e) => void events.push(e) })
  const feed = new ScriptedFeed()
  /** Runs `action`, then waits until the supervisor reports the feed connected. */
  const connectedAfter = (action: () => void) =>
    new Promise<void>((resolve) => {
      const stop = supervisor.listen({ connection: (e) => e.state === 'connected' && (stop(), resolve()) })
      action()
    })
  return { supervisor, feed, waits, events, connectedAfter, at: (ms: number) => (now = T0 + ms) }
}

describe('backoffDelay', () => {
  test('doubles from one second to a one-minute ceiling, and jitter only ever shortens a wait', () => {
    expect([1, 2, 3, 4, 7, 8, 20].map((n) => backoffDelay(n, DEFAULT_BACKOFF, 0))).toEqual([1_000, 2_000, 4_000, 8_000, 60_000, 60_000, 60_000])
    expect(backoffDelay(3, DEFAULT_BACKOFF, 0.999)).toBeCloseTo(4_000 * (1 - 0.2 * 0.999), 9)
  })
})

describe('FeedSupervisor', () => {
  test('a stream dropped mid-session reconnects with growing waits, resubscribes, and records the gap when data is back', async () => {
    const { supervisor, feed, waits, events, at, connectedAfter } = setup()
    const gaps: unknown[] = []
    supervisor.listen({ gap: (g) => void gaps.push(g) })
    await connectedAfter(() => supervisor.start(feed, [BTC]))
    feed.send(mark(T0, '65000.5'))

    at(5_000)
    feed.refuseNext = 2
    await connectedAfter(() => feed.drop('socket closed (1006)'))

    // The drop, then two refused attempts: 1 s, 2 s, 4 s. Every attempt subscribed to the same instruments again.
    expect(waits).toEqual([1_000, 2_000, 4_000])
    expect(feed.connects).toEqual([[BTC], [BTC], [BTC], [BTC]])
    expect(events.map((e) => e.state)).toEqual(['connected', 'dropped', 'retrying', 'retrying', 'retrying', 'connected'])
    expect(gaps).toEqual([])

    at(12_000)
    feed.send(mark(T0 + 12_000, '64990'))
    const gap = { venue: 'scripted', instrument: 'BTC-PERP', kind: 'mark', from: new Date(T0), to: new Date(T0 + 12_000), reason: 'socket closed (1006)' }
    expect(gaps).toEqual([gap])
    expect(supervisor.gaps()).toEqual([gap])
    // The book series had no tick before the drop: its gap is open from the drop until its first book arrives.
    expect(supervisor.status('scripted', 'BTC-PERP', 'book')).toMatchObject({ lastTick: null, stale: true, connected: true })
    await supervisor.stop()
  })

  test('a connection that delivered data starts the backoff over after its drop; one that never did keeps it growing', async () => {
    const { supervisor, feed, waits, at, connectedAfter } = setup()
    await connectedAfter(() => supervisor.start(feed, [BTC]))
    await connectedAfter(() => feed.drop('closed before any data'))
    await connectedAfter(() => feed.drop('closed before any data'))
    expect(waits).toEqual([1_000, 2_000])
    at(1_000)
    feed.send(mark(T0 + 1_000, '65000'))
    await connectedAfter(() => feed.drop('closed after data'))
    expect(waits).toEqual([1_000, 2_000, 1_000])
    await supervisor.stop()
  })

  test('a series says stale, with its age, once its last tick is older than the feed’s budget', async () => {
    const { supervisor, feed, at, connectedAfter } = setup()
    await connectedAfter(() => supervisor.start(feed, [BTC]))
    expect(supervisor.status('scripted', 'BTC-PERP', 'mark')).toMatchObject({ lastTick: null, ageMs: null, stale: true })
    feed.send(mark(T0, '65000'))
    at(10_000)
    expect(supervisor.status('scripted', 'BTC-PERP', 'mark')).toMatchObject({ ageMs: 10_000, budgetMs: 10_000, stale: false })
    at(10_001)
    expect(supervisor.status('scripted', 'BTC-PERP', 'mark')).toMatchObject({ ageMs: 10_001, stale: true, connected: true })
    expect(supervisor.status('scripted', 'BTC-PERP', 'mark')!.lastTick).toMatchObject({ price: '65000', receivedAt: new Date(T0) })
    await supervisor.stop()
    expect(supervisor.status('scripted', 'BTC-PERP', 'mark')).toMatchObject({ connected: false })
  })

  test('a tick for an instrument nobody subscribed is refused with the reason, and changes no series', async () => {
    const { supervisor, feed, connectedAfter } = setup()
    const refused: unknown[] = []
    const ticks: unknown[] = []
    supervisor.listen({ refused: (p) => void refused.push(p), tick: (t) => void ticks.push(t) })
    await connectedAfter(() => supervisor.start(feed, [BTC]))
    feed.send(mark(T0, '3000', 'ETH-PERP'))
    expect(refused).toEqual([{ venue: 'scripted', instrument: 'ETH-PERP', kind: 'mark', reason: 'not subscribed', receivedAt: new Date(T0) }])
    expect(ticks).toEqual([])
    await supervisor.stop()
  })

  test('a spike on one venue is quarantined with its reason: listeners never hear it and the series keeps its last good mark', async () => {
    const { supervisor, feed, connectedAfter } = setup()
    const other = new ScriptedFeed('other')
    const ticks: Tick[] = []
    const quarantined: QuarantinedPrint[] = []
    supervisor.listen({ tick: (t) => void ticks.push(t), quarantined: (q) => void quarantined.push(q) })
    await connectedAfter(() => supervisor.start(feed, [BTC]))
    await connectedAfter(() => supervisor.start(other, [{ venue: 'other', instrument: 'BTCUSD', factor: 'BTC' }]))
    feed.send(mark(T0, '65000'))
    other.send(mark(T0 + 200, '65010', 'BTCUSD', 'other'))
    feed.send(mark(T0 + 1_000, '72000'))
    expect(quarantined).toEqual([
      {
        tick: expect.objectContaining({ venue: 'scripted', kind: 'mark', price: '72000' }),
        reference: 65010,
        deviation: expect.closeTo(0.1075, 4),
        reason: '72000 is 10.75 % from 65010, the median of 1 other fresh source (other BTCUSD mark 65010); the band is 5.00 %',
      },
    ])
    expect(ticks.map((t) => (t.kind === 'mark' ? t.price : null))).toEqual(['65000', '65010'])
    expect(supervisor.status('scripted', 'BTC-PERP', 'mark')!.lastTick).toMatchObject({ price: '65000' })
    // The other venue's next print is held against the last good mark, not the spike.
    other.send(mark(T0 + 1_200, '65020', 'BTCUSD', 'other'))
    expect(ticks.at(-1)).toMatchObject({ venue: 'other', price: '65020' })
    await supervisor.stop()
  })

  test('a jump beyond the band is taken once the prices it contradicts have gone stale', async () => {
    const { supervisor, feed, connectedAfter } = setup()
    const other = new ScriptedFeed('other')
    const quarantined: QuarantinedPrint[] = []
    supervisor.listen({ quarantined: (q) => void quarantined.push(q) })
    await connectedAfter(() => supervisor.start(feed, [BTC]))
    await connectedAfter(() => supervisor.start(other, [{ venue: 'other', instrument: 'BTCUSD', factor: 'BTC' }]))
    other.send(mark(T0, '65010', 'BTCUSD', 'other'))
    feed.send(mark(T0 + 10_000, '58000'))
    expect(quarantined).toHaveLength(1)
    // The other venue's mark is 10,001 ms old, past its 10 s budget: nothing fresh contradicts the print.
    feed.send(mark(T0 + 10_001, '58000'))
    expect(quarantined).toHaveLength(1)
    expect(supervisor.status('scripted', 'BTC-PERP', 'mark')!.lastTick).toMatchObject({ price: '58000' })
    await supervisor.stop()
  })

  test('a crossed book is refused with the reason, and the last good book stays', async () => {
    const { supervisor, feed, connectedAfter } = setup()
    const refused: unknown[] = []
    supervisor.listen({ refused: (p) => void refused.push(p) })
    await connectedAfter(() => supervisor.start(feed, [BTC]))
    feed.send(book(T0, [['65000', '1']], [['65001', '2']]))
    feed.send(book(T0 + 100, [['65002', '1']], [['65001', '2']]))
    expect(refused).toEqual([{ venue: 'scripted', instrument: 'BTC-PERP', kind: 'book', reason: 'crossed book: best bid 65002 above best ask 65001', receivedAt: new Date(T0 + 100) }])
    expect(supervisor.status('scripted', 'BTC-PERP', 'book')!.lastTick).toMatchObject({ bids: [['65000', '1']] })
    await supervisor.stop()
  })

  test('stop closes the connection and no reconnect follows', async () => {
    const { supervisor, feed, waits, connectedAfter } = setup()
    await connectedAfter(() => supervisor.start(feed, [BTC]))
    await supervisor.stop()
    expect(feed.connects).toHaveLength(1)
    expect(waits).toEqual([])
    expect(() => supervisor.start(feed, [BTC])).toThrow(/stopped/)
  })
})
