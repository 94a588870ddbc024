// Which stored figure becomes the metric a margin call is decided on, and calls on the unified book.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { Decimal } from '../core/decimal.js'
import { silentLogger } from '../core/logger.js'
import { PortfolioEvents, type PortfolioEvent } from '../core/events.js'
import { createTestDatabase, type TestDatabase } from '../test/support/databases.js'
import { startTestApi } from '../test/support/api.js'
import { lendingSnapshot } from '../test/support/snapshots.js'
import { writeSnapshot } from './snapshot-writer.js'
import { MarginCallMonitor, venueMetric, type UnifiedBookReading } from './margin-call-monitor.js'

const figures = (f: Partial<Record<'healthFactor' | 'marginRatio' | 'equity' | 'maintenanceMargin', string>>) => ({
  healthFactor: f.healthFactor ? new Decimal(f.healthFactor) : null,
  marginRatio: f.marginRatio ? new Decimal(f.marginRatio) : null,
  equity: f.equity ? new Decimal(f.equity) : null,
  maintenanceMargin: f.maintenanceMargin ? new Decimal(f.maintenanceMargin) : null,
})

describe('venueMetric', () => {
  test('a health factor wins where the venue has one (Aave)', () => {
    expect(venueMetric(figures({ healthFactor: '1.07', equity: '100', maintenanceMargin: '5' }))).toEqual({ kind: 'healthFactor', value: 1.07 })
  })
  test('the venue’s margin ratio next, then maintenance over equity (liquidation at 1 on both)', () => {
    expect(venueMetric(figures({ marginRatio: '0.42', equity: '100', maintenanceMargin: '5' }))).toEqual({ kind: 'marginRatio', value: 0.42 })
    // Deribit-style summary: MM 0.8857841 BTC over equity 302.61869214 BTC.
    expect(venueMetric(figures({ equity: '302.61869214', maintenanceMargin: '0.8857841' }))!.value).toBeCloseTo(0.8857841 / 302.61869214, 15)
  })
  test('equity at or below zero with a requirement is past liquidation; no requirement is no metric', () => {
    expect(venueMetric(figures({ equity: '-3', maintenanceMargin: '5' }))).toEqual({ kind: 'marginRatio', value: Infinity })
    expect(venueMetric(figures({ equity: '100', maintenanceMargin: '0' }))).toBeNull()
    expect(venueMetric(figures({}))).toBeNull()
  })
})

describe('margin calls on the unified book', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase('pglite')
  })
  afterAll(async () => db?.destroy())

  test('coverage below 1 opens a call on the unified book, held between computations, resolved once covered', async () => {
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Unified' } })
    const aave = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'aave-v3', label: 'aave', config: {} } })
    // HF 3.3: the account itself is far from its venue's lines.
    await writeSnapshot(db.prisma, aave, lendingSnapshot(new Date('2026-11-25T00:00:00Z'), '2', '3000'), 1)
    let clock = new Date('2026-11-25T10:00:00Z')
    let book: UnifiedBookReading | Error = { equity: 900, initialMargin: 1000 }
    let computed = 0
    const events = new PortfolioEvents()
    const published: PortfolioEvent[] = []
    events.listenAll((e) => published.push(e))
    const monitor = new MarginCallMonitor({
      prisma: db.prisma, events, logger: silentLogger(), now: () => clock, unifiedIntervalMs: 60_000,
      unifiedBook: async () => {
        computed++
        if (book instanceof Error) throw book
        return book
      },
    })

    // Coverage 900 / 1000 = 0.9: past the call line 1.0 (risk/margin-calls.ts defaults), not the critical 0.8.
    const first = await monitor.afterFetch(aave.id)
    expect(first.opened).toHaveLength(1)
    const call = await db.prisma.marginCall.findUniqueOrThrow({ where: { id: first.opened[0]! } })
    expect(call).toMatchObject({ accountId: null, level: 'call', metric: 'unifiedCoverage' })
    expect(call.value!.toNumber()).toBeCloseTo(0.9, 12)
    expect(published).toEqual([{ kind: 'marginCall', portfolioId: portfolio.id, callId: call.id, change: 'opened' }])

    // Within the interval the last reading stands: no recomputation, the call holds.
    book = { equity: 1300, initialMargin: 1000 }
    clock = new Date(clock.getTime() + 30_000)
    expect(await monitor.afterFetch(aave.id)).toMatchObject({ opened: [], resolved: [] })
    expect(computed).toBe(1)

    // A computation that fails (no price history yet) decides nothing: the call stays open.
    book = new Error('no daily price history is stored')
    clock = new Date(clock.getTime() + 60_000)
    expect(await monitor.afterFetch(aave.id)).toMatchObject({ opened: [], resolved: [] })

    // Covered 1.3 times, past 1.0 + the 0.05 band: resolved.
    book = { equity: 1300, initialMargin: 1000 }
    clock = new Date(clock.getTime() + 60_000)
    const last = await monitor.afterFetch(aave.id)
    expect(last.resolved).toEqual([call.id])
    expect(await db.prisma.marginCall.findUniqueOrThrow({ where: { id: call.id } })).toMatchObject({ resolvedAt: clock })
    expect(await db.prisma.marginCall.count({ where: { portfolioId: portfolio.id, resolvedAt: null } })).toBe(0)
  })

  test('an unbounded reading is stored and served as null with what it means, never as ±1e30', async () => {
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Unbounded' } })
    const aave = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'aave-v3', label: 'aave', config: {} } })
    await writeSnapshot(db.prisma, aave, lendingSnapshot(new Date('2026-11-25T00:00:00Z'), '2', '3000'), 1)
    let clock = new Date('2026-11-25T10:00:00Z')
    // No unified requirement: coverage (equity / IM) is −∞ with negative equity (critical), +∞ with positive.
    let book: UnifiedBookReading = { equity: -50, initialMargin: 0 }
    const monitor = new MarginCallMonitor({ prisma: db.prisma, events: new PortfolioEvents(), logger: silentLogger(), now: () => clock, unifiedIntervalMs: 0, unifiedBook: async () => book })
    const opened = await monitor.afterFetch(aave.id)
    expect(opened.opened).toHaveLength(1)
    book = { equity: 100, initialMargin: 0 }
    clock = new Date(clock.getTime() + 60_000)
    expect((await monitor.afterFetch(aave.id)).resolved).toEqual(opened.opened)

    const api = await startTestApi(db)
    try {
      const res = await api.query<{ portfolio: { marginCalls: { level: string; value: string | null; valueNullReason: string | null }[] } }>(
        `query ($id: ID!) { portfolio(id: $id) { marginCalls(includeResolved: true) { level value valueNullReason } } }`,
        { id: portfolio.id },
      )
      expect(res.errors).toBeUndefined()
      // Opened at −∞, resolved at +∞: the resolution's reading is what the row keeps.
      expect(res.data!.portfolio.marginCalls).toEqual([{ level: 'CRITICAL', value: null, valueNullReason: 'the unified book needs no initial margin: nothing to cover' }])
    } finally {
      await api.close()
    }
    const stored = await db.prisma.marginCall.findUniqueOrThrow({ where: { id: opened.opened[0]! } })
    expect(stored.value).toBeNull()
  })
})
