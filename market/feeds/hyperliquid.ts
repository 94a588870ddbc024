// Hyperliquid perpetuals, live, over Hyperliquid's own WebSocket: `allMids` (every coin's mid, each block),
// `l2Book` (the book's top levels per coin) and `activeAssetCtx` (mark, oracle price, funding, open interest per coin).
// https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket/subscriptions
import WebSocket from 'ws'
import type { DecimalString } from '../../core/decimal.js'
import { describeError, VenueUnavailable } from '../../core/errors.js'
import { decimalField, millisField } from './fields.js'
import type { BookLevel, FeedConnection, FeedEnd, FeedSink, FeedSubscription, MarketFeed, Tick, TickKind } from './types.js'

export const HYPERLIQUID_VENUE = 'hyperliquid'
const MAINNET_WS = 'wss://api.hyperliquid.xyz/ws'
const HOUR_MS = 3_600_000

export interface HyperliquidFeedOptions {
  /** Defaults to mainnet, wss://api.hyperliquid.xyz/ws. */
  wsUrl?: string
  /**
   * Hyperliquid closes a connection it has heard nothing from for 60 s ("Timeouts and heartbeats"), so a ping goes out
   * this often; a ping whose pong (or any other message) has not come back by the next one means the link is dead.
   */
  pingMs?: number
  /** Aggregates l2Book levels to this many significant figures (2–5), so 20 levels reach further from the mid. */
  nSigFigs?: number
  stalenessBudgetMs?: Partial<Record<TickKind, number>>
  now?: () => number
}

/**
 * allMids and l2Book arrive with each block (well under a second for BTC); activeAssetCtx when the context changes,
 * at least with each oracle update (every 3 s). Ten seconds without one is a dead stream, not a quiet market.
 */
const DEFAULT_BUDGET_MS: Record<TickKind, number> = { mark: 10_000, index: 10_000, mid: 10_000, funding: 10_000, openInterest: 10_000, book: 10_000 }

type RawLevel = { px?: unknown; sz?: unknown }
type RawAssetCtx = { markPx?: unknown; oraclePx?: unknown; funding?: unknown; openInterest?: unknown }

/** Hyperliquid pays funding every hour, on the hour (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/funding). */
function nextWholeHour(at: number): Date {
  return new Date(Math.floor(at / HOUR_MS) * HOUR_MS + HOUR_MS)
}

function parseLevels(side: unknown, which: string): BookLevel[] {
  if (!Array.isArray(side)) throw new Error(`${which} is not a list of levels`)
  return side.map((level: RawLevel, i) => {
    const price = decimalField(level?.px, `${which}[${i}].px`)
    const size = decimalField(level?.sz, `${which}[${i}].sz`)
    if (price === null || size === null) throw new Error(`${which}[${i}] has no px or sz`)
    return [price, size] as const
  })
}

export function hyperliquidFeed(options: HyperliquidFeedOptions = {}): MarketFeed {
  const now = options.now ?? Date.now
  const url = options.wsUrl ?? MAINNET_WS
  const pingMs = options.pingMs ?? 50_000

  async function connect(subscriptions: readonly FeedSubscription[], sink: FeedSink): Promise<FeedConnection> {
    const byCoin = new Map(subscriptions.map((s) => [s.instrument, s]))
    const socket = new WebSocket(url)
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve)
      socket.once('error', (error) => reject(new VenueUnavailable(`hyperliquid: could not open ${url}: ${describeError(error)}`, null, { cause: error })))
    })

    let finish!: (end: FeedEnd) => void
    let done = false
    let heardSincePing = true
    const heartbeat = setInterval(() => {
      if (!heardSincePing) {
        finish({ kind: 'dropped', reason: `no message for ${pingMs} ms, not even a pong` })
        return
      }
      heardSincePing = false
      socket.send(JSON.stringify({ method: 'ping' }))
    }, pingMs)
    heartbeat.unref()
    const ended = new Promise<FeedEnd>((resolve) => {
      finish = (end) => {
        if (done) return
        done = true
        clearInterval(heartbeat)
        socket.removeAllListeners('message')
        if (end.kind === 'closed') socket.close(1000)
        else socket.terminate()
        resolve(end)
      }
    })
    socket.on('error', (error) => finish({ kind: 'dropped', reason: `socket error: ${describeError(error)}` }))
    socket.on('close', (code, reason) => finish({ kind: 'dropped', reason: `closed by the server (${code}${reason.length ? ` ${reason.toString()}` : ''})` }))

    const problem = (instrument: string | null, kind: TickKind | null, reason: string) => sink.problem({ venue: HYPERLIQUID_VENUE, instrument, kind, reason, receivedAt: new Date(now()) })
    const base = (subscription: FeedSubscription, venueTime: Date | null, receivedAt: Date) => ({ venue: HYPERLIQUID_VENUE, instrument: subscription.instrument, factor: subscription.factor, venueTime, receivedAt })

    const handlers: Record<string, (data: unknown, receivedAt: Date) => void> = {
      allMids(data, receivedAt) {
        const mids = (data as { mids?: Record<string, unknown> })?.mids
        if (!mids || typeof mids !== 'object') throw new Error('allMids without mids')
        // allMids carries no time: the receive time is all there is.
        for (const [coin, subscription] of byCoin) {
          if (!(coin in mids)) continue
          const price = decimalField(mids[coin], `mids.${coin}`)
          if (price !== null) sink.tick({ ...base(subscription, null, receivedAt), kind: 'mid', price })
        }
      },
      l2Book(data, receivedAt) {
        const book = data as { coin?: unknown; time?: unknown; levels?: unknown }
        const subscription = byCoin.get(String(book?.coin))
        if (!subscription) return
        if (!Array.isArray(book.levels) || book.levels.length !== 2) throw new Error(`l2Book ${subscription.instrument}: levels is not [bids, asks]`)
        sink.tick({ ...base(subscription, millisField(book.time), receivedAt), kind: 'book', bids: parseLevels(book.levels[0], 'bids'), asks: parseLevels(book.levels[1], 'asks') })
      },
      activeAssetCtx(data, receivedAt) {
        const { coin, ctx } = (data ?? {}) as { coin?: unknown; ctx?: RawAssetCtx }
        const subscription = byCoin.get(String(coin))
        if (!subscription) return
        if (!ctx || typeof ctx !== 'object') throw new Error(`activeAssetCtx ${subscription.instrument} without ctx`)
        const at = base(subscription, null, receivedAt)
        const fields: [TickKind, DecimalString | null][] = [
          ['mark', decimalField(ctx.markPx, 'markPx')],
          ['index', decimalField(ctx.oraclePx, 'oraclePx')],
          ['funding', decimalField(ctx.funding, 'funding')],
          ['openInterest', decimalField(ctx.openInterest, 'openInterest')],
        ]
        const ticks: Tick[] = []
        for (const [kind, value] of fields) {
          if (value === null) continue
          if (kind === 'mark' || kind === 'index') ticks.push({ ...at, kind, price: value })
          else if (kind === 'funding') ticks.push({ ...at, kind, rate: value, nextFundingTime: nextWholeHour(receivedAt.getTime()) })
          else ticks.push({ ...at, kind: 'openInterest', amount: value })
        }
        for (const tick of ticks) sink.tick(tick)
      },
    }

    socket.on('message', (raw, isBinary) => {
      heardSincePing = true
      const receivedAt = new Date(now())
      const text = isBinary ? '' : Array.isArray(raw) ? Buffer.concat(raw).toString() : raw instanceof ArrayBuffer ? Buffer.from(raw).toString() : raw.toString()
      if (text === 'Websocket connection established.') return
      let message: { channel?: unknown; data?: unknown }
      try {
        message = JSON.parse(text) as typeof message
      } catch {
        problem(null, null, `not JSON: ${text.slice(0, 120)}`)
        return
      }
      const channel = String(message?.channel)
      if (channel === 'pong' || channel === 'subscriptionResponse') return
      if (channel === 'error') {
        problem(null, null, `hyperliquid refused a request: ${String(message.data)}`)
        return
      }
      const handle = handlers[channel]
      if (!handle) return
      try {
        handle(message.data, receivedAt)
      } catch (error) {
        const coin = (message.data as { coin?: unknown })?.coin
        problem(typeof coin === 'string' ? coin : null, null, `${channel}: ${error instanceof Error ? error.message : String(error)}`)
      }
    })

    const send = (subscription: Record<string, unknown>) => socket.send(JSON.stringify({ method: 'subscribe', subscription }))
    send({ type: 'allMids' })
    for (const coin of byCoin.keys()) {
      send({ type: 'l2Book', coin, ...(options.nSigFigs ? { nSigFigs: options.nSigFigs } : {}) })
      send({ type: 'activeAssetCtx', coin })
    }

    return {
      ended,
      async close() {
        finish({ kind: 'closed' })
        await ended
      },
    }
  }

  return {
    venue: HYPERLIQUID_VENUE,
    kinds: ['mark', 'index', 'mid', 'funding', 'openInterest', 'book'],
    stalenessBudgetMs: { ...DEFAULT_BUDGET_MS, ...options.stalenessBudgetMs },
    connect,
  }
}
