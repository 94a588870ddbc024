// Keeps the risk engine's daily history current: for every factor the portfolios hold (and every asset already
// stored or configured), the closed days since the last stored one are fetched from Binance spot and stored. The
// history must have no hole (risk/ aligns closes day by day and refuses a missing close), so an answer with a missing
// day is stored only up to the day before it. Stored candles are never changed or removed; a failed asset is tried
// again next time and never stops the others.
import type { Logger } from 'pino'
import type { PrismaClient } from '../generated/prisma/client.js'
import { canonicalAsset } from '../core/assets.js'
import { BINANCE_SPOT_SOURCE, UnknownSymbol, fetchDailyKlines } from './binance-klines.js'
import { storeCandles } from './candle-store.js'
import { nextDay, type Candle } from './price-csv.js'

export interface HistorySyncSettings {
  /** Binance spot's base URL (or a mirror). */
  url: string
  /** Assets always kept current, held or not. */
  assets: string[]
}

export interface HistorySyncResult {
  /** New candles per asset (0: already current). */
  stored: Record<string, number>
  /** Assets whose fetch failed this time, with why. */
  failed: Record<string, string>
  /** Assets Binance spot has no USDT market for (not asked again by this process). */
  unavailable: string[]
  /** Assets whose answer skipped a day: stored up to the day before the hole. */
  holes: Record<string, string>
}

/** Factors a USDT pair can be named after; USD itself (and stablecoins, whose factor it is) has no history here. */
const PAIRABLE = /^[A-Z0-9]{2,15}$/

/** The assets to keep current: configured ones, those already stored from this source, and every factor held. */
export async function wantedAssets(prisma: PrismaClient, configured: string[]): Promise<string[]> {
  const [stored, balances, instruments] = await Promise.all([
    prisma.candle.findMany({ where: { source: BINANCE_SPOT_SOURCE }, distinct: ['asset'], select: { asset: true } }),
    prisma.balance.findMany({ distinct: ['canonicalAsset'], select: { canonicalAsset: true } }),
    prisma.instrument.findMany({ distinct: ['underlying'], select: { underlying: true } }),
  ])
  const assets = new Set([...configured, ...stored.map((c) => c.asset)].map((a) => a.toUpperCase()))
  for (const name of [...balances.map((b) => b.canonicalAsset), ...instruments.map((i) => i.underlying)]) assets.add(canonicalAsset(name).factor)
  return [...assets].filter((a) => a !== 'USD' && PAIRABLE.test(a)).sort()
}

/** The leading run of candles that continues `after` (any first day when nothing is stored), and where it broke. */
export function contiguousRun(candles: Candle[], after: string | null): { run: Candle[]; holeAt: string | null } {
  const run: Candle[] = []
  let expected = after === null ? null : nextDay(after)
  for (const candle of candles) {
    if (expected !== null && candle.date < expected) continue
    if (expected !== null && candle.date !== expected) return { run, holeAt: expected }
    run.push(candle)
    expected = nextDay(candle.date)
  }
  return { run, holeAt: null }
}

export class PriceHistorySync {
  private readonly unavailable = new Set<string>()
  private timer: NodeJS.Timeout | null = null
  private running: Promise<HistorySyncResult> | null = null
  private readonly abort = new AbortController()

  constructor(
    private readonly deps: {
      prisma: PrismaClient
      logger: Logger
      settings: HistorySyncSettings
      timeoutMs: number
      now?: () => Date
      /** Between runs; six hours by default (a new day closes once a day, and a failed run is retried sooner). */
      intervalMs?: number
    },
  ) {}

  /** One pass over every wanted asset; concurrent calls share the pass under way. */
  syncOnce(): Promise<HistorySyncResult> {
    this.running ??= this.pass().finally(() => {
      this.running = null
    })
    return this.running
  }

  private async pass(): Promise<HistorySyncResult> {
    const { prisma, logger, settings } = this.deps
    const now = (this.deps.now ?? (() => new Date()))()
    const result: HistorySyncResult = { stored: {}, failed: {}, unavailable: [], holes: {} }
    // One asset at a time: a few requests each, well inside Binance's weight budget, and gentle on a shared IP.
    for (const asset of await wantedAssets(prisma, settings.assets)) {
      if (this.abort.signal.aborted) break
      if (this.unavailable.has(asset)) continue
      try {
        const last = await prisma.candle.findFirst({ where: { asset, source: BINANCE_SPOT_SOURCE }, orderBy: { date: 'desc' }, select: { date: true } })
        const after = last ? last.date.toISOString().slice(0, 10) : null
        const candles = await fetchDailyKlines({ baseUrl: settings.url, symbol: `${asset}USDT`, fromDate: after === null ? null : nextDay(after), now, timeoutMs: this.deps.timeoutMs, signal: this.abort.signal })
        const { run, holeAt } = contiguousRun(candles, after)
        if (holeAt !== null) {
          result.holes[asset] = holeAt
          logger.warn({ asset, missingDay: holeAt }, 'binance-spot skipped a day: history stored up to the day before, the rest waits until the day is there')
        }
        result.stored[asset] = await storeCandles(prisma, asset, BINANCE_SPOT_SOURCE, run)
      } catch (error) {
        if (error instanceof UnknownSymbol) {
          this.unavailable.add(asset)
          result.unavailable.push(asset)
          logger.info({ asset, symbol: error.symbol }, 'no daily history for this asset: Binance spot lists no USDT market for it')
          continue
        }
        result.failed[asset] = (error as Error).message
      }
    }
    const added = Object.values(result.stored).reduce((sum, n) => sum + n, 0)
    if (added > 0) logger.info({ newCandles: result.stored }, 'daily price history brought up to date')
    // One line for the pass, not one per asset: offline, every asset fails the same way.
    if (Object.keys(result.failed).length > 0) logger.warn({ failed: result.failed }, 'daily history not brought up to date for some assets; tried again next time')
    return result
  }

  start(): void {
    void this.syncOnce()
    this.timer = setInterval(() => void this.syncOnce(), this.deps.intervalMs ?? 6 * 3_600_000)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.abort.abort()
    await this.running?.catch(() => undefined)
  }
}
