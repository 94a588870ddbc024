// Stores the live market as it goes: one-minute bars of prices, periodic order-book depth snapshots, funding rates and
// open interest, from the supervisor's accepted ticks (quarantined prints never come here). Ticks are buffered and
// written in batches, one multi-row statement per table per flush, never a row per tick: a feed ticks many times a
// second per instrument, and a database round trip per tick would fall behind.
import type { Logger } from 'pino'
import { Decimal, toDecimalString, type DecimalString, type DecimalText } from '../core/decimal.js'
import { describeError } from '../core/errors.js'
import { Prisma, type PrismaClient } from '../generated/prisma/client.js'
import { depthWithin, type OrderBook } from '../risk/liquidity.js'
import type { BookLevel, BookTick, FundingTick, OpenInterestTick, PriceKind, Tick } from './feeds/types.js'

const MINUTE_MS = 60_000
/** The depth bands BookDepth keeps: ±0.5 %, ±1 %, ±2 % of mid. */
const BANDS = [0.005, 0.01, 0.02] as const

export interface MarketDataWriterOptions {
  prisma: PrismaClient
  logger: Logger
  /** Price series kept as one-minute bars; marks by default. */
  barKinds?: readonly PriceKind[]
  /** At most one stored depth snapshot per instrument per this long (a minute by default, like the bars). */
  depthEveryMs?: number
  /** At most one stored funding rate per instrument per this long (a minute: the stream updates each second). */
  fundingEveryMs?: number
  /** At most one stored open interest per instrument per this long. */
  openInterestEveryMs?: number
  /** Levels kept per side in a stored snapshot, from those within ±2 % (the widest band). */
  storedLevels?: number
  /** Bars waiting for a flush beyond this many (a database down for long) are dropped, oldest first, and logged. */
  maxPendingBars?: number
}

export interface FlushResult {
  bars: number
  depth: number
  funding: number
  openInterest: number
}

interface PendingBar {
  venue: string
  venueSymbol: string
  kind: PriceKind
  factor: string
  start: number
  open: DecimalText
  high: DecimalText
  low: DecimalText
  close: DecimalText
  openAt: number
  closeAt: number
  ticks: number
}

/** When a tick's figure was true: the venue's time, or ours when it gives none. */
const tickTime = (tick: Tick) => (tick.venueTime ?? tick.receivedAt).getTime()

/** A float figure as a decimal string, without float noise past 15 significant digits. */
const floatDecimal = (value: number | null): DecimalString | null => (value === null ? null : toDecimalString(new Decimal(value.toPrecision(15))))

function bookAsNumbers(tick: BookTick): OrderBook {
  const side = (levels: BookLevel[]) => levels.map(([price, size]) => [Number(price), Number(size)] as const)
  return { bids: side(tick.bids), asks: side(tick.asks) }
}

/** One throttled sample per series: the first tick at least `everyMs` after the last one taken. */
class Sampler<T extends Tick> {
  private readonly takenAt = new Map<string, number>()
  readonly pending = new Map<string, T>()
  constructor(private readonly everyMs: number) {}

  offer(key: string, tick: T): void {
    const at = tickTime(tick)
    const last = this.takenAt.get(key)
    if (this.pending.has(key) || (last !== undefined && at - last < this.everyMs)) return
    this.takenAt.set(key, at)
    this.pending.set(key, tick)
  }

  take(): T[] {
    const ticks = [...this.pending.values()]
    this.pending.clear()
    return ticks
  }

  /** Puts back what a failed flush took, unless a newer sample took its place meanwhile. */
  restore(ticks: T[]): void {
    for (const tick of ticks) {
      const key = `${tick.venue}\u0000${tick.instrument}`
      if (!this.pending.has(key)) this.pending.set(key, tick)
    }
  }
}

export class MarketDataWriter {
  private bars = new Map<string, PendingBar>()
  private readonly depth: Sampler<BookTick>
  private readonly funding: Sampler<FundingTick>
  private readonly openInterest: Sampler<OpenInterestTick>
  private readonly barKinds: ReadonlySet<PriceKind>
  private flushing: Promise<FlushResult> = Promise.resolve({ bars: 0, depth: 0, funding: 0, openInterest: 0 })
  private droppedBars = 0

  constructor(private readonly options: MarketDataWriterOptions) {
    this.barKinds = new Set(options.barKinds ?? ['mark'])
    this.depth = new Sampler(options.depthEveryMs ?? MINUTE_MS)
    this.funding = new Sampler(options.fundingEveryMs ?? MINUTE_MS)
    this.openInterest = new Sampler(options.openInterestEveryMs ?? MINUTE_MS)
  }

  /** Takes an accepted tick into the buffers; nothing is written until flush(). */
  add(tick: Tick): void {
    const key = `${tick.venue}\u0000${tick.instrument}`
    switch (tick.kind) {
      case 'book':
        return this.depth.offer(key, tick)
      case 'funding':
        return this.funding.offer(key, tick)
      case 'openInterest':
        return this.openInterest.offer(key, tick)
      default:
        if (this.barKinds.has(tick.kind)) this.addToBar(tick.venue, tick.instrument, tick.kind, tick.factor, tick.price, tickTime(tick))
    }
  }

  private addToBar(venue: string, venueSymbol: string, kind: PriceKind, factor: string, price: DecimalText, at: number): void {
    const start = Math.floor(at / MINUTE_MS) * MINUTE_MS
    this.mergeBar({ venue, venueSymbol, kind, factor, start, open: price, high: price, low: price, close: price, openAt: at, closeAt: at, ticks: 1 })
  }

  /** Adds a bar (one tick, or a part a failed flush gives back) to the pending bar of its minute. */
  private mergeBar(part: PendingBar): void {
    const key = `${part.venue}\u0000${part.venueSymbol}\u0000${part.kind}\u0000${part.start}`
    const bar = this.bars.get(key)
    if (!bar) {
      this.bars.set(key, { ...part })
      this.dropOverflow()
      return
    }
    if (new Decimal(part.high).gt(bar.high)) bar.high = part.high
    if (new Decimal(part.low).lt(bar.low)) bar.low = part.low
    // Ticks can arrive out of order across reconnects: open and close follow the ticks' own times.
    if (part.openAt < bar.openAt) {
      bar.open = part.open
      bar.openAt = part.openAt
    }
    if (part.closeAt >= bar.closeAt) {
      bar.close = part.close
      bar.closeAt = part.closeAt
    }
    bar.ticks += part.ticks
  }

  private dropOverflow(): void {
    const max = this.options.maxPendingBars ?? 100_000
    if (this.bars.size <= max) return
    const oldest = [...this.bars.entries()].sort((a, b) => a[1].start - b[1].start).slice(0, this.bars.size - max)
    for (const [key] of oldest) this.bars.delete(key)
    this.droppedBars += oldest.length
    this.options.logger.warn({ dropped: oldest.length, droppedSoFar: this.droppedBars }, 'market data could not be stored for long: the oldest pending bars were dropped')
  }

  /** Writes everything buffered: at most one statement per table. Concurrent calls queue behind each other. */
  flush(): Promise<FlushResult> {
    this.flushing = this.flushing.catch(() => undefined).then(() => this.write())
    return this.flushing
  }

  private async write(): Promise<FlushResult> {
    const { prisma } = this.options
    const bars = [...this.bars.values()]
    this.bars = new Map()
    const depth = this.depth.take()
    const funding = this.funding.take()
    const openInterest = this.openInterest.take()
    const result: FlushResult = { bars: 0, depth: 0, funding: 0, openInterest: 0 }
    try {
      if (bars.length > 0) result.bars = await this.writeBars(bars)
      bars.length = 0
      if (depth.length > 0) result.depth = (await prisma.bookDepth.createMany({ data: depth.map((tick) => this.depthRow(tick)) })).count
      depth.length = 0
      if (funding.length > 0) {
        const data = funding.map((t) => ({ venue: t.venue, venueSymbol: t.instrument, time: new Date(tickTime(t)), receivedAt: t.receivedAt, rate: t.rate, nextFundingTime: t.nextFundingTime }))
        result.funding = (await prisma.fundingRate.createMany({ data, skipDuplicates: true })).count
      }
      funding.length = 0
      if (openInterest.length > 0) {
        const data = openInterest.map((t) => ({ venue: t.venue, venueSymbol: t.instrument, time: new Date(tickTime(t)), receivedAt: t.receivedAt, amount: t.amount }))
        result.openInterest = (await prisma.openInterest.createMany({ data, skipDuplicates: true })).count
      }
      return result
    } catch (error) {
      // What was not written waits for the next flush; bars merge with any that arrived meanwhile.
      for (const bar of bars) this.mergeBar(bar)
      this.depth.restore(depth)
      this.funding.restore(funding)
      this.openInterest.restore(openInterest)
      this.options.logger.error({ err: describeError(error) }, 'storing market data failed; it is kept for the next flush')
      throw error
    }
  }

  /** One INSERT … ON CONFLICT for every pending bar: a bar already stored for the minute is extended, not replaced. */
  private async writeBars(bars: PendingBar[]): Promise<number> {
    const rows = bars.map(
      (b) =>
        Prisma.sql`(${b.venue}, ${b.venueSymbol}, ${b.kind}, ${b.factor}, ${new Date(b.start)}, CAST(${b.open} AS DECIMAL(65,30)), CAST(${b.high} AS DECIMAL(65,30)), CAST(${b.low} AS DECIMAL(65,30)), CAST(${b.close} AS DECIMAL(65,30)), ${new Date(b.openAt)}, ${new Date(b.closeAt)}, CAST(${b.ticks} AS INTEGER))`,
    )
    return this.options.prisma.$executeRaw(Prisma.sql`
      INSERT INTO "PriceBar" ("venue", "venueSymbol", "kind", "factor", "start", "open", "high", "low", "close", "openAt", "closeAt", "ticks")
      VALUES ${Prisma.join(rows)}
      ON CONFLICT ("venue", "venueSymbol", "kind", "start") DO UPDATE SET
        "open" = CASE WHEN EXCLUDED."openAt" < "PriceBar"."openAt" THEN EXCLUDED."open" ELSE "PriceBar"."open" END,
        "openAt" = LEAST("PriceBar"."openAt", EXCLUDED."openAt"),
        "high" = GREATEST("PriceBar"."high", EXCLUDED."high"),
        "low" = LEAST("PriceBar"."low", EXCLUDED."low"),
        "close" = CASE WHEN EXCLUDED."closeAt" >= "PriceBar"."closeAt" THEN EXCLUDED."close" ELSE "PriceBar"."close" END,
        "closeAt" = GREATEST("PriceBar"."closeAt", EXCLUDED."closeAt"),
        "ticks" = "PriceBar"."ticks" + EXCLUDED."ticks"`)
  }

  private depthRow(tick: BookTick) {
    const book = bookAsNumbers(tick)
    const mid = new Decimal(tick.bids[0]![0]).plus(tick.asks[0]![0]).div(2)
    const [b050, b100, b200] = BANDS.map((f) => depthWithin(book, f))
    const keep = this.options.storedLevels ?? 50
    const low = mid.times(1 - BANDS[2])
    const high = mid.times(1 + BANDS[2])
    return {
      venue: tick.venue,
      venueSymbol: tick.instrument,
      time: new Date(tickTime(tick)),
      receivedAt: tick.receivedAt,
      mid: toDecimalString(mid),
      bid050: floatDecimal(b050!.bid),
      ask050: floatDecimal(b050!.ask),
      bid100: floatDecimal(b100!.bid),
      ask100: floatDecimal(b100!.ask),
      bid200: floatDecimal(b200!.bid),
      ask200: floatDecimal(b200!.ask),
      levels: {
        bids: tick.bids.filter(([price]) => low.lte(price)).slice(0, keep),
        asks: tick.asks.filter(([price]) => high.gte(price)).slice(0, keep),
      },
    }
  }
}
