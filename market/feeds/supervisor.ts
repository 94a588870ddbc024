// Runs the live market feeds: connects each, reconnects a dropped one with exponential backoff and resubscribes, marks
// the gap a drop leaves in every series, and knows per (venue, instrument, kind) the last good tick and whether it is
// stale. Consumers (re-margining, the store, the API) listen here rather than to feeds, so each sees one clean stream.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from 'pino'
import { describeError, InvalidInput } from '../../core/errors.js'
import { checkBook, checkPrint, DEFAULT_SANITY_BAND, type PriceReference, type SanityBand } from './sanity.js'
import { PRICE_KINDS, type FeedConnection, type FeedProblem, type FeedSink, type FeedSubscription, type MarketFeed, type PriceTick, type Tick, type TickKind } from './types.js'

export interface BackoffPolicy {
  /** The wait before the first retry. */
  initialMs: number
  /** No wait grows past this. */
  maxMs: number
  /** Each failed attempt multiplies the wait by this. */
  factor: number
  /** Up to this share of each wait is taken off at random, so many processes dropped at once do not retry at once. */
  jitter: number
}

/** 1 s, 2 s, 4 s … up to a minute: quick after a blip, gentle on a venue that is down (its limits count reconnects). */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000, factor: 2, jitter: 0.2 }

/** The wait before retry number `attempt` (1 = the first retry); `random` in [0, 1). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: number): number {
  const full = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt - 1))
  return full * (1 - policy.jitter * random)
}

export interface SeriesStatus {
  venue: string
  instrument: string
  factor: string
  kind: TickKind
  /** The last tick accepted on this series; null before the first. */
  lastTick: Tick | null
  /** Milliseconds since `lastTick` was received; null before the first. */
  ageMs: number | null
  budgetMs: number
  /** No tick yet, or the last one is older than the budget: nothing may be valued on it as current. */
  stale: boolean
  /** Whether the feed's connection is up right now. */
  connected: boolean
}

/** A stretch with no data on one series: from its last tick before a drop to its first tick after the reconnect. */
export interface FeedGap {
  venue: string
  instrument: string
  kind: TickKind
  from: Date
  to: Date
  /** Why the connection dropped. */
  reason: string
}

/** A price outside the sanity band: kept out of every series and never emitted as a tradable price. */
export interface QuarantinedPrint {
  tick: PriceTick
  reason: string
  /** The median of the fresh references it was held against, and how far off it was (a fraction). */
  reference: number | null
  deviation: number | null
}

export type ConnectionEvent =
  | { venue: string; state: 'connected'; at: Date }
  | { venue: string; state: 'dropped'; at: Date; reason: string }
  | { venue: string; state: 'retrying'; at: Date; attempt: number; delayMs: number; reason: string }

/** What a consumer hears; every method is optional. */
export interface SupervisorListener {
  tick?(tick: Tick): void
  gap?(gap: FeedGap): void
  /** A message or tick that was refused (malformed, a crossed book, not subscribed), with why. */
  refused?(problem: FeedProblem): void
  /** A price outside the sanity band, with why. */
  quarantined?(print: QuarantinedPrint): void
  connection?(event: ConnectionEvent): void
}

export interface SupervisorOptions {
  logger: Logger
  backoff?: BackoffPolicy
  /** The clock staleness is measured on (milliseconds). */
  now?: () => number
  /** Waits between reconnects; resolves early (or rejects) when `signal` aborts. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>
  random?: () => number
  /** How many recent gaps `gaps()` keeps. */
  keepGaps?: number
  /** The band prices are held to against the other fresh sources of their factor (sanity.ts says why 5 %). */
  sanity?: SanityBand
}

interface Series {
  subscription: FeedSubscription
  kind: TickKind
  budgetMs: number
  run: FeedRun
  lastTick: Tick | null
  /** Set while a drop's gap is open: the time data stopped and why. */
  openGap: { from: Date; reason: string } | null
}

interface FeedRun {
  feed: MarketFeed
  subscriptions: readonly FeedSubscription[]
  connection: FeedConnection | null
  loop: Promise<void>
}

const seriesKey = (venue: string, instrument: string, kind: TickKind) => `${venue}\u0000${instrument}\u0000${kind}`

export class FeedSupervisor {
  private readonly runs = new Map<string, FeedRun>()
  private readonly series = new Map<string, Series>()
  /** Price series (mark, index, mid) per factor: the sources a print is checked against. */
  private readonly pricesByFactor = new Map<string, Series[]>()
  private readonly listeners = new Set<SupervisorListener>()
  private readonly recentGaps: FeedGap[] = []
  private readonly stopping = new AbortController()
  private readonly now: () => number
  private readonly wait: (ms: number, signal: AbortSignal) => Promise<void>
  private readonly random: () => number
  private readonly backoff: BackoffPolicy

  constructor(private readonly options: SupervisorOptions) {
    this.now = options.now ?? Date.now
    this.wait = options.wait ?? ((ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined))
    this.random = options.random ?? Math.random
    this.backoff = options.backoff ?? DEFAULT_BACKOFF
  }

  /** Adds a listener; returns the function that removes it. */
  listen(listener: SupervisorListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Connects `feed` for these subscriptions and keeps it connected until stop(). One start per venue. */
  start(feed: MarketFeed, subscriptions: readonly FeedSubscription[]): void {
    if (this.stopping.signal.aborted) throw new InvalidInput('feed', 'the supervisor is stopped')
    if (this.runs.has(feed.venue)) throw new InvalidInput('feed', `${feed.venue} is already started`)
    const foreign = subscriptions.find((s) => s.venue !== feed.venue)
    if (foreign) throw new InvalidInput('subscriptions', `${foreign.venue} ${foreign.instrument} given to the ${feed.venue} feed`)
    const run: FeedRun = { feed, subscriptions, connection: null, loop: Promise.resolve() }
    for (const subscription of subscriptions) {
      for (const kind of feed.kinds) {
        const series: Series = { subscription, kind, budgetMs: feed.stalenessBudgetMs[kind], run, lastTick: null, openGap: null }
        this.series.set(seriesKey(feed.venue, subscription.instrument, kind), series)
        if ((PRICE_KINDS as readonly TickKind[]).includes(kind)) this.pricesByFactor.set(subscription.factor, [...(this.pricesByFactor.get(subscription.factor) ?? []), series])
      }
    }
    this.runs.set(feed.venue, run)
    run.loop = this.keepConnected(run)
  }

  /** One series' last tick and staleness, or null when nothing subscribed to it. */
  status(venue: string, instrument: string, kind: TickKind): SeriesStatus | null {
    const series = this.series.get(seriesKey(venue, instrument, kind))
    return series ? this.describe(series) : null
  }

  /** Every subscribed series. */
  statuses(): SeriesStatus[] {
    return [...this.series.values()].map((s) => this.describe(s))
  }

  /** The most recent closed gaps, oldest first. */
  gaps(): FeedGap[] {
    return [...this.recentGaps]
  }

  /** Closes every connection and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopping.abort()
    await Promise.all([...this.runs.values()].map(async (run) => run.connection?.close()))
    await Promise.all([...this.runs.values()].map((run) => run.loop))
  }

  private describe(series: Series): SeriesStatus {
    const { subscription, kind, lastTick, budgetMs } = series
    const ageMs = lastTick ? Math.max(0, this.now() - lastTick.receivedAt.getTime()) : null
    return {
      venue: subscription.venue,
      instrument: subscription.instrument,
      factor: subscription.factor,
      kind,
      lastTick,
      ageMs,
      budgetMs,
      stale: ageMs === null || ageMs > budgetMs,
      connected: series.run.connection !== null,
    }
  }

  private emit<K extends keyof SupervisorListener>(event: K, value: Parameters<NonNullable<SupervisorListener[K]>>[0]): void {
    for (const listener of this.listeners) {
      try {
        ;(listener[event] as ((v: typeof value) => void) | undefined)?.(value)
      } catch (error) {
        // One consumer's bug must not stop the others (or the feed) from hearing the market.
        this.options.logger.error({ err: describeError(error), event }, 'a market-feed listener threw')
      }
    }
  }

  private async keepConnected(run: FeedRun): Promise<void> {
    const venue = run.feed.venue
    const signal = this.stopping.signal
    let attempt = 0
    while (!signal.aborted) {
      let reason = ''
      let connection: FeedConnection | null = null
      // Ticks from a connection that has ended (a late message on a dying socket) are not this run's anymore.
      let live = true
      // A tick arrived on this connection: its drop starts the backoff over.
      let delivered = false
      const sink: FeedSink = {
        tick: (tick) => {
          if (!live || signal.aborted) return
          delivered = true
          this.accept(run, tick)
        },
        problem: (problem) => {
          if (live && !signal.aborted) this.emit('refused', problem)
        },
      }
      try {
        connection = await run.feed.connect(run.subscriptions, sink)
      } catch (error) {
        reason = describeError(error)
      }
      if (connection) {
        if (signal.aborted) {
          await connection.close()
          break
        }
        run.connection = connection
        this.emit('connection', { venue, state: 'connected', at: new Date(this.now()) })
        const end = await connection.ended
        live = false
        run.connection = null
        if (end.kind === 'closed' || signal.aborted) break
        reason = end.reason
        if (delivered) attempt = 0
        this.openGaps(run, reason)
        this.options.logger.warn({ venue, reason }, 'market feed dropped; reconnecting')
        this.emit('connection', { venue, state: 'dropped', at: new Date(this.now()), reason })
      } else {
        live = false
        if (signal.aborted) break
        this.options.logger.warn({ venue, reason }, 'market feed could not connect')
      }
      attempt += 1
      const delayMs = backoffDelay(attempt, this.backoff, this.random())
      this.emit('connection', { venue, state: 'retrying', at: new Date(this.now()), attempt, delayMs, reason })
      await this.wait(delayMs, signal)
    }
  }

  private openGaps(run: FeedRun, reason: string): void {
    const at = new Date(this.now())
    for (const series of this.series.values()) {
      if (series.run !== run || series.openGap) continue
      series.openGap = { from: series.lastTick?.receivedAt ?? at, reason }
    }
  }

  /** The latest accepted prices of the other sources of `series`' factor that are fresh at `at`. */
  private references(series: Series, at: number): PriceReference[] {
    const references: PriceReference[] = []
    for (const other of this.pricesByFactor.get(series.subscription.factor) ?? []) {
      const last = other.lastTick
      if (other === series || !last || last.kind === 'book' || last.kind === 'funding' || last.kind === 'openInterest') continue
      if (at - last.receivedAt.getTime() > other.budgetMs) continue
      references.push({ source: `${last.venue} ${last.instrument} ${last.kind}`, price: Number(last.price) })
    }
    return references
  }

  /** Puts a tick through the sanity checks and onto its series; a refused or quarantined tick changes nothing. */
  private accept(run: FeedRun, tick: Tick): void {
    const series = this.series.get(seriesKey(tick.venue, tick.instrument, tick.kind))
    if (!series || series.run !== run) {
      this.emit('refused', { venue: tick.venue, instrument: tick.instrument, kind: tick.kind, reason: 'not subscribed', receivedAt: tick.receivedAt })
      return
    }
    // The feed knows the venue and symbol; the factor is the subscription's, so every consumer reads one mapping.
    const accepted = { ...tick, factor: series.subscription.factor }
    if (accepted.kind === 'book') {
      const verdict = checkBook(accepted.bids, accepted.asks)
      if (!verdict.accepted) {
        this.emit('refused', { venue: tick.venue, instrument: tick.instrument, kind: 'book', reason: verdict.reason, receivedAt: tick.receivedAt })
        return
      }
    } else if (accepted.kind === 'mark' || accepted.kind === 'index' || accepted.kind === 'mid') {
      const verdict = checkPrint(accepted.price, this.references(series, accepted.receivedAt.getTime()), this.options.sanity ?? DEFAULT_SANITY_BAND)
      if (!verdict.accepted) {
        this.emit('quarantined', { tick: accepted, reason: verdict.reason, reference: verdict.reference, deviation: verdict.deviation })
        return
      }
    }
    series.lastTick = accepted
    if (series.openGap) {
      const gap: FeedGap = { venue: tick.venue, instrument: tick.instrument, kind: tick.kind, from: series.openGap.from, to: tick.receivedAt, reason: series.openGap.reason }
      series.openGap = null
      this.recentGaps.push(gap)
      if (this.recentGaps.length > (this.options.keepGaps ?? 1_000)) this.recentGaps.shift()
      this.emit('gap', gap)
    }
    this.emit('tick', accepted)
  }
}
