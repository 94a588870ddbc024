// The face every live market feed shows: what a supervisor subscribes to, and the normalised ticks a feed emits.
// A feed owns one venue's streaming protocol (ccxt.pro, the venue's own WebSocket); reconnecting, staleness, the sanity
// band and storage are the supervisor's and the writer's, so a new venue is one file that implements MarketFeed.
import type { DecimalText } from '../../core/decimal.js'

/** What a tick says. Mark, index and mid are prices; the rest are the market's other live figures. */
export type TickKind = 'mark' | 'index' | 'mid' | 'funding' | 'openInterest' | 'book'

export const PRICE_KINDS = ['mark', 'index', 'mid'] as const satisfies readonly TickKind[]
export type PriceKind = (typeof PRICE_KINDS)[number]

/** One instrument on one venue, and the risk factor its price follows (so sources of one factor can be compared). */
export interface FeedSubscription {
  venue: string
  /** The venue's own symbol: `BTCUSDT` on Binance, the coin name `BTC` on Hyperliquid. */
  instrument: string
  /** The canonical factor (`BTC`, `ETH`) the instrument's price follows. */
  factor: string
}

interface TickBase {
  venue: string
  instrument: string
  factor: string
  /** When the venue says the figure was true (its event or block time); null when the message carries none. */
  venueTime: Date | null
  /** When this process received it: staleness is measured from here, since venues' clocks are not ours. */
  receivedAt: Date
}

export interface PriceTick extends TickBase {
  kind: PriceKind
  price: DecimalText
}

export interface FundingTick extends TickBase {
  kind: 'funding'
  /** The rate for the current funding interval, as a fraction (0.0001 = 1 bp), as the venue publishes it. */
  rate: DecimalText
  /** When the rate is next paid; null when the venue does not say. */
  nextFundingTime: Date | null
}

export interface OpenInterestTick extends TickBase {
  kind: 'openInterest'
  /** Open interest in units of the underlying. */
  amount: DecimalText
}

/** One price level: price and size in units of the underlying, as decimal strings. */
export type BookLevel = readonly [price: DecimalText, size: DecimalText]

export interface BookTick extends TickBase {
  kind: 'book'
  /** Best first: bids descending, asks ascending; the top levels the feed keeps. */
  bids: BookLevel[]
  asks: BookLevel[]
}

export type Tick = PriceTick | FundingTick | OpenInterestTick | BookTick

/** A message a feed could not use: it is reported, never silently dropped. */
export interface FeedProblem {
  venue: string
  instrument: string | null
  kind: TickKind | null
  reason: string
  receivedAt: Date
}

/** Where a connected feed delivers what it reads. */
export interface FeedSink {
  tick(tick: Tick): void
  problem(problem: FeedProblem): void
}

/** How a connection ended: dropped by the venue or the network (reconnect), or closed by us (do not). */
export type FeedEnd = { kind: 'dropped'; reason: string } | { kind: 'closed' }

export interface FeedConnection {
  /** Resolves once, when the connection ends; never rejects. */
  readonly ended: Promise<FeedEnd>
  /** Closes every stream and poll of this connection; `ended` then resolves with `closed`. */
  close(): Promise<void>
}

export interface MarketFeed {
  readonly venue: string
  /** What the feed emits for every subscription. */
  readonly kinds: readonly TickKind[]
  /** How old the last tick of each kind may get before figures from it are stale, in milliseconds. */
  readonly stalenessBudgetMs: Readonly<Record<TickKind, number>>
  /**
   * Opens the venue's streams for these subscriptions (every one on this feed's venue) and starts delivering ticks to
   * `sink`. Rejects when it cannot connect; a connection that drops later resolves its `ended`. Calling it again after
   * a drop resubscribes from scratch.
   */
  connect(subscriptions: readonly FeedSubscription[], sink: FeedSink): Promise<FeedConnection>
}
