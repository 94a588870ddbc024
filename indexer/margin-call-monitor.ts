// After each fetch, the portfolio's margin calls are brought up to date: every account's latest good margin
// figures are read as the venue's own liquidation metric, and (where the app gives a way to compute it) the unified
// book's coverage, Σ equity over the unified initial margin; the risk engine's pure state machine
// (risk/margin-calls.ts, with hysteresis) decides what opens, holds and resolves, and the result is stored and
// published. Stored calls are the state the next decision starts from, so a restart neither loses nor repeats calls.
import type { Logger } from 'pino'
import type { PrismaClient } from '../generated/prisma/client.js'
import type { PortfolioEvents } from '../core/events.js'
import { Internal } from '../core/errors.js'
import { evaluateMarginCalls, type CallMetric, type MarginCallPolicy, type OpenCall } from '../risk/margin-calls.js'
import type { VenueMetric } from '../risk/venue-rules.js'

/** Stored decimal columns (Prisma's Decimal), read as numbers only here. */
interface StoredDecimal {
  toNumber(): number
}

interface MarginFigures {
  healthFactor: StoredDecimal | null
  marginRatio: StoredDecimal | null
  equity: StoredDecimal | null
  maintenanceMargin: StoredDecimal | null
}

/**
 * The venue's own liquidation metric from stored figures (float64 from here on: a ratio compared with policy lines).
 * A health factor where the venue has one (Aave: liquidation below 1); else maintenance over equity, which every
 * margin venue liquidates at 1 (Binance's and Bybit's margin ratio as they define it; OKX's mgnRatio is its inverse).
 */
export function venueMetric(figures: MarginFigures): Pick<VenueMetric, 'kind' | 'value'> | null {
  if (figures.healthFactor !== null) return { kind: 'healthFactor', value: figures.healthFactor.toNumber() }
  if (figures.marginRatio !== null) return { kind: 'marginRatio', value: figures.marginRatio.toNumber() }
  if (figures.equity !== null && figures.maintenanceMargin !== null) {
    const equity = figures.equity.toNumber()
    const mm = figures.maintenanceMargin.toNumber()
    if (mm === 0) return null
    return { kind: 'marginRatio', value: equity > 0 ? mm / equity : Infinity }
  }
  return null
}

/** The unified book of a portfolio in USD: Σ equity across its accounts and the unified initial margin. */
export interface UnifiedBookReading {
  equity: number
  initialMargin: number
}

export interface MarginCallMonitorDeps {
  prisma: PrismaClient
  events: PortfolioEvents
  logger: Logger
  policy?: Partial<MarginCallPolicy>
  now?: () => Date
  /** Computes the portfolio's unified book (the risk engine over stored snapshots); null when it cannot be. */
  unifiedBook?: (portfolioId: string) => Promise<UnifiedBookReading | null>
  /** Least time between two unified computations of one portfolio; the last reading serves in between. */
  unifiedIntervalMs?: number
}

/**
 * A metric reading as stored. A decimal column holds finite numbers only, so a reading at ±∞ is stored as null with
 * what it means in words: a health factor with no debt is "no liquidation", not a very large number.
 */
function storedReading(metric: CallMetric, value: number): { value: string | null; valueNullReason: string | null } {
  if (Number.isNaN(value)) throw new Internal(`a ${metric} reading is NaN`)
  if (Number.isFinite(value)) return { value: String(value), valueNullReason: null }
  return { value: null, valueNullReason: unboundedMeaning(metric, value > 0) }
}

function unboundedMeaning(metric: CallMetric, positive: boolean): string {
  if (metric === 'healthFactor' && positive) return 'no debt: nothing can be liquidated'
  if (metric === 'marginRatio' && positive) return 'no equity left against a maintenance requirement: at or past liquidation'
  if (metric === 'unifiedCoverage') return positive ? 'the unified book needs no initial margin: nothing to cover' : 'the unified book needs no initial margin but its equity is negative'
  return `${metric} is ${positive ? '+' : '−'}∞`
}

export class MarginCallMonitor {
  private readonly unifiedReadings = new Map<string, { atMs: number; reading: UnifiedBookReading | null; failure: string | null }>()

  constructor(private readonly deps: MarginCallMonitorDeps) {}

  /** The unified book, recomputed at most every interval (each fetch of each account would otherwise rerun it). */
  private async unified(portfolioId: string, nowMs: number): Promise<UnifiedBookReading | null> {
    if (!this.deps.unifiedBook) return null
    const cached = this.unifiedReadings.get(portfolioId)
    if (cached && nowMs - cached.atMs < (this.deps.unifiedIntervalMs ?? 60_000)) return cached.reading
    let reading: UnifiedBookReading | null = null
    let failure: string | null = null
    try {
      reading = await this.deps.unifiedBook(portfolioId)
    } catch (error) {
      // No price history yet, an account the engine cannot value: no unified reading, so no decision on it. Said
      // once per cause, not every minute.
      failure = (error as Error).message
      if (failure !== cached?.failure) this.deps.logger.warn({ portfolioId, error: failure }, 'unified book not computed for margin calls')
    }
    this.unifiedReadings.set(portfolioId, { atMs: nowMs, reading, failure })
    return reading
  }

  /** Re-decides the calls of the portfolio holding `accountId`; returns the portfolio and what changed. */
  async afterFetch(accountId: string): Promise<{ portfolioId: string | null; opened: string[]; resolved: string[] }> {
    const { prisma } = this.deps
    const account = await prisma.account.findUnique({ where: { id: accountId }, select: { portfolioId: true } })
    if (!account) return { portfolioId: null, opened: [], resolved: [] }
    const portfolioId = account.portfolioId
    const accounts = await prisma.account.findMany({
      where: { portfolioId },
      select: {
        id: true,
        venue: true,
        snapshots: {
          where: { status: 'ok' },
          orderBy: { fetchedAt: 'desc' },
          take: 1,
          select: { margins: { select: { source: true, healthFactor: true, marginRatio: true, equity: true, maintenanceMargin: true } } },
        },
      },
    })
    const readings = accounts.flatMap((a) => {
      const margins = a.snapshots[0]?.margins ?? []
      // The venue's own figure decides: it is what the venue liquidates on. Our replication only fills its gaps.
      const venue = margins.find((m) => m.source === 'venue')
      const replicated = margins.find((m) => m.source === 'replicated')
      const metric = (venue && venueMetric(venue)) ?? (replicated && venueMetric(replicated)) ?? null
      return metric ? [{ accountId: a.id, venue: a.venue, result: { metric: { ...metric, liquidationAt: 1 } } }] : []
    })

    const now = this.deps.now?.() ?? new Date()
    const unified = await this.unified(portfolioId, now.getTime())
    const keyOf = (row: { accountId: string | null }) => (row.accountId === null ? 'unified' : `account:${row.accountId}`)
    const openSubject = (accountId: string | null) => `${portfolioId}|${accountId ?? 'unified'}`
    const opened: string[] = []
    const resolved: string[] = []
    // One decision per portfolio at a time, in every process: the open calls are read, decided on and written under a
    // transaction-scoped advisory lock, so twenty refreshes racing (or two indexers) decide one after another and the
    // second sees what the first opened. The unique openSubject column backs this up in the database itself.
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`margin-calls:${portfolioId}`}, 0))`
      const openRows = await tx.marginCall.findMany({ where: { portfolioId, resolvedAt: null }, orderBy: [{ openedAt: 'desc' }, { id: 'desc' }] })
      // A bad state must never stop the monitor: should a subject hold two open calls (rows from before the constraint),
      // the newest is the call and the others are resolved as duplicates.
      const rowByKey = new Map<string, (typeof openRows)[number]>()
      for (const row of openRows) {
        if (!rowByKey.has(keyOf(row))) {
          rowByKey.set(keyOf(row), row)
          continue
        }
        await tx.marginCall.update({ where: { id: row.id }, data: { resolvedAt: now, resolution: 'duplicate open call for the same account', openSubject: null } })
        resolved.push(row.id)
      }
      const previous: OpenCall[] = [...rowByKey.values()].map((row) => ({
        key: keyOf(row),
        subject: row.accountId === null ? { kind: 'unified' } : { kind: 'account', accountId: row.accountId, venue: accounts.find((a) => a.id === row.accountId)?.venue ?? 'unknown' },
        level: row.level,
        metric: row.metric as CallMetric,
        threshold: row.threshold.toNumber(),
        // An unbounded reading (stored null) is never written back: every decision carries this round's reading.
        value: row.value?.toNumber() ?? Number.NaN,
        openedAtMs: row.openedAt.getTime(),
      }))
      // Accounts whose latest snapshot carries no margin figure keep their open call as it is: no reading, no decision;
      // so does the unified book when it could not be computed. (A removed account's calls go with it: the foreign key
      // cascades.)
      const read = new Set([...readings.map((r) => `account:${r.accountId}`), ...(unified ? ['unified'] : [])])
      const decisions = evaluateMarginCalls({
        asOfMs: now.getTime(),
        accounts: readings,
        ...(unified ? { unified } : {}),
        previous: previous.filter((c) => read.has(c.key)),
        policy: this.deps.policy,
      })
      for (const { call, reason } of decisions.resolve) {
        const row = rowByKey.get(call.key)
        if (!row) continue
        await tx.marginCall.update({ where: { id: row.id }, data: { resolvedAt: now, resolution: reason, ...storedReading(call.metric, call.value), openSubject: null } })
        resolved.push(row.id)
      }
      for (const { call } of decisions.keep) {
        const row = rowByKey.get(call.key)
        if (row) await tx.marginCall.update({ where: { id: row.id }, data: storedReading(call.metric, call.value) })
      }
      for (const { call, reason } of decisions.open) {
        const accountId = call.subject.kind === 'account' ? call.subject.accountId : null
        const created = await tx.marginCall.create({
          data: { portfolioId, accountId, level: call.level, metric: call.metric, threshold: String(call.threshold), ...storedReading(call.metric, call.value), reason, openedAt: now, openSubject: openSubject(accountId) },
          select: { id: true },
        })
        opened.push(created.id)
      }
      // Waiting for the lock is the point: racers queue behind each other instead of failing at Prisma's 2 s / 5 s defaults.
    }, { maxWait: 60_000, timeout: 60_000 })
    for (const callId of resolved) this.deps.events.publish({ kind: 'marginCall', portfolioId, callId, change: 'resolved' })
    for (const callId of opened) this.deps.events.publish({ kind: 'marginCall', portfolioId, callId, change: 'opened' })
    if (opened.length || resolved.length) this.deps.logger.info({ portfolioId, opened: opened.length, resolved: resolved.length }, 'margin calls updated')
    return { portfolioId, opened, resolved }
  }
}
