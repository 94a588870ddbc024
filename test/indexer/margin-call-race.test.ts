// At most one open margin call per account, whatever races the writers run: twenty refreshes deciding at once (or
// two indexers) open one call, the database refuses a second, and a state with duplicates left from before the
// constraint never stops the monitor.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { silentLogger } from '../../core/logger.js'
import { PortfolioEvents, type PortfolioEvent } from '../../core/events.js'
import { MarginCallMonitor } from '../../indexer/margin-call-monitor.js'
import { writeSnapshot } from '../../indexer/snapshot-writer.js'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js'
import { figures, lendingSnapshot } from '../support/snapshots.js'

/** An Aave account at health factor 1.05: past the call line (1.1 in risk/margin-calls.ts defaults), above critical. */
function nearLiquidation(asOf: Date) {
  const snapshot = lendingSnapshot(asOf, '2', '3000')
  const hf = figures('USD', { healthFactor: '1.05', totalCollateral: '4000', totalDebt: '3000' })
  return { ...snapshot, margin: { ...snapshot.margin, reported: hf, replicated: hf } }
}

describe.each(testDatabaseKinds)('margin calls under races on %s', (kind) => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase(kind)
  })
  afterAll(async () => db?.destroy())

  async function accountAtCallLine(name: string) {
    const portfolio = await db.prisma.portfolio.create({ data: { name } })
    const account = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'aave-v3', label: 'aave', config: {} } })
    await writeSnapshot(db.prisma, account, nearLiquidation(new Date('2026-12-01T00:00:00Z')), 1)
    return { portfolio, account }
  }

  test('twenty decisions at once open exactly one call, published once', async () => {
    const { portfolio, account } = await accountAtCallLine('Race')
    const events = new PortfolioEvents()
    const published: PortfolioEvent[] = []
    events.listenAll((e) => published.push(e))
    // Two monitors, as two indexer processes would have: neither's memory can be what keeps the calls single.
    const monitors = [0, 1].map(() => new MarginCallMonitor({ prisma: db.prisma, events, logger: silentLogger(), now: () => new Date('2026-12-01T00:01:00Z') }))
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => monitors[i % 2]!.afterFetch(account.id)))
    expect(outcomes.flatMap((o) => o.opened)).toHaveLength(1)
    const open = await db.prisma.marginCall.findMany({ where: { portfolioId: portfolio.id, resolvedAt: null } })
    expect(open).toHaveLength(1)
    expect(open[0]).toMatchObject({ accountId: account.id, level: 'call', metric: 'healthFactor', openSubject: `${portfolio.id}|${account.id}` })
    expect(published.filter((e) => e.kind === 'marginCall')).toHaveLength(1)
  })

  test('the database itself refuses a second open call for one account', async () => {
    const { portfolio, account } = await accountAtCallLine('Constraint')
    const row = { portfolioId: portfolio.id, accountId: account.id, level: 'call' as const, metric: 'healthFactor', threshold: '1.1', value: '1.05', openSubject: `${portfolio.id}|${account.id}` }
    await db.prisma.marginCall.create({ data: row })
    await expect(db.prisma.marginCall.create({ data: row })).rejects.toThrow(/Unique constraint|unique/i)
  })

  test('two open calls left from before the constraint do not stop the monitor: the newest stays, the other resolves', async () => {
    const { portfolio, account } = await accountAtCallLine('Legacy duplicates')
    // Rows as an older version wrote them: no openSubject, so the constraint does not see them.
    const legacy = { portfolioId: portfolio.id, accountId: account.id, level: 'call' as const, metric: 'healthFactor', threshold: '1.1', value: '1.05' }
    const older = await db.prisma.marginCall.create({ data: { ...legacy, openedAt: new Date('2026-11-30T00:00:00Z') } })
    const newer = await db.prisma.marginCall.create({ data: { ...legacy, openedAt: new Date('2026-11-30T01:00:00Z') } })
    const monitor = new MarginCallMonitor({ prisma: db.prisma, events: new PortfolioEvents(), logger: silentLogger(), now: () => new Date('2026-12-01T00:01:00Z') })
    const outcome = await monitor.afterFetch(account.id)
    expect(outcome).toMatchObject({ opened: [], resolved: [older.id] })
    expect(await db.prisma.marginCall.findUniqueOrThrow({ where: { id: older.id } })).toMatchObject({ resolution: 'duplicate open call for the same account' })
    expect(await db.prisma.marginCall.findMany({ where: { portfolioId: portfolio.id, resolvedAt: null }, select: { id: true } })).toEqual([{ id: newer.id }])
    // And it goes on deciding: a recovered account resolves the remaining call.
    await writeSnapshot(db.prisma, account, lendingSnapshot(new Date('2026-12-01T00:02:00Z'), '2', '3000'), 1)
    expect((await monitor.afterFetch(account.id)).resolved).toEqual([newer.id])
  })
})
