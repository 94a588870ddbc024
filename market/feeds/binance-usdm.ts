// Binance USDⓈ-M futures, live, through ccxt.pro: the mark-price stream (mark, index, funding rate and next funding
// time, every second) and the diff-depth stream kept as a book by ccxt; open interest, which Binance streams nowhere,
// and funding while the stream has not given it, are polled over REST. Venue figures are read from the raw messages
// (`info`), so decimals arrive as Binance wrote them, not as ccxt's floats.
// Mark price stream: https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Mark-Price-Stream
import ccxt, { type Market, type OrderBook } from 'ccxt'
import { setTimeout as sleep } from 'node:timers/promises'
import { Decimal, toDecimalString, type DecimalString } from '../../core/decimal.js'
import { describeError, VenueRejected, VenueUnavailable } from '../../core/errors.js'
import { decimalField, millisField } from './fields.js'
import type { BookLevel, FeedConnection, FeedEnd, FeedSink, FeedSubscription, MarketFeed, Tick, TickKind } from './types.js'

export const BINANCE_USDM_VENUE = 'binance'

export interface BinanceUsdmFeedOptions {
  /** Replaces the host of every REST endpoint, keeping Binance's paths (a mirror, or a local server). */
  restUrl?: string
  /** The futures WebSocket base ending in /ws (ccxt's `urls.api.ws.future`); ccxt adds the stream category. */
  wsUrl?: string
  /** Between REST polls of open interest (and of funding while the stream has not given it). */
  pollMs?: number
  /** Levels kept per side of each book tick. */
  bookLevels?: number
  timeoutMs?: number
  stalenessBudgetMs?: Partial<Record<TickKind, number>>
  now?: () => number
}

/**
 * The mark-price stream pushes every second and the depth stream every 100 ms while the book moves: ten missed
 * updates is a dead stream, not a quiet market. Open interest is polled (30 s by default), so three missed polls.
 */
const DEFAULT_BUDGET_MS: Record<TickKind, number> = { mark: 10_000, index: 10_000, mid: 10_000, funding: 10_000, openInterest: 90_000, book: 10_000 }
const DEFAULT_POLL_MS = 30_000

type RawMarkPrice = { E?: unknown; p?: unknown; i?: unknown; r?: unknown; T?: unknown }

// ccxt hands the book over as numbers; each becomes its shortest decimal text (no exponent) once, here.
const levels = (side: OrderBook['bids'], keep: number): BookLevel[] =>
  side.slice(0, keep).map(([price, size]) => [toDecimalString(new Decimal(price ?? Number.NaN)), toDecimalString(new Decimal(size ?? Number.NaN))] as const)

export function binanceUsdmFeed(options: BinanceUsdmFeedOptions = {}): MarketFeed {
  const now = options.now ?? Date.now
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS
  const bookLevels = options.bookLevels ?? 1_000
  // Markets load once per process: exchangeInfo is large, and a reconnect should not wait on REST to resume.
  let markets: Market[] | null = null

  function createExchange() {
    const exchange = new ccxt.pro.binanceusdm({
      enableRateLimit: true,
      timeout: options.timeoutMs ?? 10_000,
      // Only USDⓈ-M markets, and no signed endpoints: this feed holds no key.
      options: { fetchCurrencies: false, fetchMarkets: { types: ['linear'] }, adjustForTimeDifference: false },
    })
    const api = exchange.urls.api as Record<string, unknown>
    if (options.restUrl) {
      const base = options.restUrl.replace(/\/$/, '')
      for (const [key, url] of Object.entries(api)) if (typeof url === 'string' && url.startsWith('http')) api[key] = base + new URL(url).pathname
    }
    if (options.wsUrl) api.ws = { ...(api.ws as Record<string, string>), future: options.wsUrl }
    return exchange
  }

  async function connect(subscriptions: readonly FeedSubscription[], sink: FeedSink): Promise<FeedConnection> {
    const exchange = createExchange()
    const problem = (instrument: string | null, kind: TickKind | null, reason: string) => sink.problem({ venue: BINANCE_USDM_VENUE, instrument, kind, reason, receivedAt: new Date(now()) })
    try {
      // ccxt refuses a plain ws:// URL (a local server) until its HTTP agent is loaded.
      if (options.wsUrl?.startsWith('ws://')) await exchange.loadHttpProxyAgent()
      if (markets) exchange.setMarkets(markets)
      else markets = Object.values(await exchange.loadMarkets())
    } catch (error) {
      await exchange.close()
      throw new VenueUnavailable(`binance: could not load the USDⓈ-M markets: ${describeError(error)}`, null, { cause: error })
    }

    const watched: { subscription: FeedSubscription; symbol: string }[] = []
    for (const subscription of subscriptions) {
      const market = exchange.safeMarket(subscription.instrument, undefined, undefined, 'swap')
      if (market.symbol && market.linear === true) watched.push({ subscription, symbol: market.symbol })
      else problem(subscription.instrument, null, `no USDⓈ-M market ${subscription.instrument} on Binance`)
    }
    if (watched.length === 0) {
      await exchange.close()
      throw new VenueRejected(`binance: none of ${subscriptions.map((s) => s.instrument).join(', ')} is a USDⓈ-M market`)
    }

    const stop = new AbortController()
    let finish!: (end: FeedEnd) => void
    const ended = new Promise<FeedEnd>((resolve) => {
      finish = (end) => {
        if (stop.signal.aborted) return
        stop.abort()
        // Closing the exchange rejects every pending watch; the loops see `stop` and end quietly.
        exchange.close().then(
          () => resolve(end),
          () => resolve(end),
        )
      }
    })
    const lastStreamFunding = new Map<string, number>()

    const emitMarkPrice = (subscription: FeedSubscription, raw: RawMarkPrice) => {
      const receivedAt = new Date(now())
      const venueTime = millisField(raw.E)
      const base = { venue: BINANCE_USDM_VENUE, instrument: subscription.instrument, factor: subscription.factor, venueTime, receivedAt }
      let mark: DecimalString | null, index: DecimalString | null, rate: DecimalString | null
      try {
        mark = decimalField(raw.p, 'p')
        index = decimalField(raw.i, 'i')
        rate = decimalField(raw.r, 'r')
      } catch (error) {
        problem(subscription.instrument, 'mark', `markPriceUpdate: ${describeError(error)}`)
        return
      }
      const ticks: Tick[] = []
      if (mark !== null) ticks.push({ ...base, kind: 'mark', price: mark })
      if (index !== null) ticks.push({ ...base, kind: 'index', price: index })
      // Delivery contracts send an empty rate: no funding from the stream, the REST poll stands in.
      if (rate !== null) {
        lastStreamFunding.set(subscription.instrument, receivedAt.getTime())
        ticks.push({ ...base, kind: 'funding', rate, nextFundingTime: millisField(raw.T) })
      }
      for (const tick of ticks) sink.tick(tick)
    }

    const emitBook = (subscription: FeedSubscription, book: OrderBook) => {
      sink.tick({
        venue: BINANCE_USDM_VENUE,
        instrument: subscription.instrument,
        factor: subscription.factor,
        kind: 'book',
        venueTime: millisField(book.timestamp),
        receivedAt: new Date(now()),
        bids: levels(book.bids, bookLevels),
        asks: levels(book.asks, bookLevels),
      })
    }

    const stream = async (what: string, next: () => Promise<void>) => {
      try {
        while (!stop.signal.aborted) await next()
      } catch (error) {
        finish({ kind: 'dropped', reason: `${what}: ${describeError(error)}` })
      }
    }

    const poll = async ({ subscription, symbol }: { subscription: FeedSubscription; symbol: string }) => {
      const base = { venue: BINANCE_USDM_VENUE, instrument: subscription.instrument, factor: subscription.factor }
      try {
        const oi = (await exchange.fetchOpenInterest(symbol)).info as { openInterest?: unknown; time?: unknown }
        const amount = decimalField(oi.openInterest, 'openInterest')
        if (amount === null) problem(subscription.instrument, 'openInterest', 'openInterest: no openInterest in the answer')
        else sink.tick({ ...base, kind: 'openInterest', amount, venueTime: millisField(oi.time), receivedAt: new Date(now()) })
      } catch (error) {
        if (!stop.signal.aborted) problem(subscription.instrument, 'openInterest', `openInterest: ${describeError(error)}`)
      }
      const streamed = lastStreamFunding.get(subscription.instrument)
      if (streamed !== undefined && now() - streamed < pollMs) return
      try {
        const premium = (await exchange.fetchFundingRate(symbol)).info as { lastFundingRate?: unknown; nextFundingTime?: unknown; time?: unknown }
        const rate = decimalField(premium.lastFundingRate, 'lastFundingRate')
        if (rate === null) problem(subscription.instrument, 'funding', 'premiumIndex: no lastFundingRate in the answer')
        else sink.tick({ ...base, kind: 'funding', rate, nextFundingTime: millisField(premium.nextFundingTime), venueTime: millisField(premium.time), receivedAt: new Date(now()) })
      } catch (error) {
        if (!stop.signal.aborted) problem(subscription.instrument, 'funding', `premiumIndex: ${describeError(error)}`)
      }
    }

    // ccxt resolves each watch with the state as of the latest message; one arriving while the last is handled is
    // folded into the next resolve (for marks the latest wins, and the book has every diff applied either way).
    for (const { subscription, symbol } of watched) {
      void stream(`${subscription.instrument} mark price stream`, async () => emitMarkPrice(subscription, (await exchange.watchMarkPrice(symbol)).info as RawMarkPrice))
      void stream(`${subscription.instrument} depth stream`, async () => emitBook(subscription, await exchange.watchOrderBook(symbol)))
    }
    // REST failures are reported and retried on the next poll; they never drop the streams.
    void (async () => {
      while (!stop.signal.aborted) {
        for (const entry of watched) if (!stop.signal.aborted) await poll(entry)
        await sleep(pollMs, undefined, { signal: stop.signal }).catch(() => undefined)
      }
    })()

    return {
      ended,
      async close() {
        finish({ kind: 'closed' })
        await ended
      },
    }
  }

  return {
    venue: BINANCE_USDM_VENUE,
    kinds: ['mark', 'index', 'funding', 'openInterest', 'book'],
    stalenessBudgetMs: { ...DEFAULT_BUDGET_MS, ...options.stalenessBudgetMs },
    connect,
  }
}
