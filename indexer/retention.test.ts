// Retention on both databases: old snapshots, implied vols and finished webhook deliveries go; an account's latest
// good snapshot (however old), its rows, recent data and deliveries still queued stay.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '../test/support/databases.js'
import { lendingSnapshot } from '../test/support/snapshots.js'
import { writeFailedSnapshot, writeSnapshot } from './snapshot-writer.js'
import { VenueUnavailable } from '../core/errors.js'
import { pruneOldData } from './retention.js'

const NOW = new Date('2026-11-25T00:00:00Z')
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000)

describe.each<TestDatabaseKind>(['pglite', 'postgres'])('retention on %s', (kind) => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase(kind)
  })
  afterAll(async () => db?.destroy())

  test('old rows go; the latest good snapshot, recent rows and queued deliveries stay', async () => {
    const prisma = db.prisma
    const portfolio = await prisma.portfolio.create({ data: { name: 'Retention' } })
    const busy = await prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'aave-v3', label: 'busy', config: {} } })
    const quiet = await prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'aave-v3', label: 'quiet', config: {} } })
    const at = async (account: { id: string; venue: string }, days: number) => {
      const id = await writeSnapshot(prisma, account, lendingSnapshot(daysAgo(days), '1', '100'), 1)
      await prisma.snapshot.update({ where: { id }, data: { fetchedAt: daysAgo(days) } })
      return id
    }
    const busyOld = await at(busy, 40)
    const busyRecent = await at(busy, 2)
    await writeFailedSnapshot(prisma, busy, new VenueUnavailable('down'), daysAgo(35), 1)
    await prisma.snapshot.updateMany({ where: { accountId: busy.id, status: 'failed' }, data: { fetchedAt: daysAgo(35) } })
    // The quiet account's venue has failed for weeks: its only good snapshot is 60 days old, and it is its state.
    const quietOnly = await at(quiet, 60)
    await writeFailedSnapshot(prisma, quiet, new VenueUnavailable('down'), daysAgo(1), 1)

    await prisma.impliedVol.createMany({
      data: [45, 1].map((days) => ({ underlying: 'BTC', source: 'deribit', expiry: daysAgo(-30), strike: '100000', iv: '0.55', time: daysAgo(days) })),
    })
    const hook = await prisma.webhook.create({ data: { portfolioId: portfolio.id, url: 'https://example.com/h', secret: 'sealed', events: ['margin_call.opened'] } })
    const delivery = (days: number, state: object) => prisma.webhookDelivery.create({ data: { webhookId: hook.id, event: 'margin_call.opened', payload: {}, createdAt: daysAgo(days), ...state } })
    await delivery(40, { deliveredAt: daysAgo(40) })
    await delivery(40, { failedAt: daysAgo(39) })
    const oldQueued = await delivery(40, { nextAttemptAt: daysAgo(-1) })
    const recentDelivered = await delivery(3, { deliveredAt: daysAgo(3) })

    const removed = await pruneOldData(prisma, { snapshotDays: 30, impliedVolDays: 30, webhookDeliveryDays: 30 }, NOW)
    expect(removed).toEqual({ snapshots: 2, impliedVols: 1, webhookDeliveries: 2 })

    const left = await prisma.snapshot.findMany({ select: { id: true, status: true, accountId: true } })
    expect(new Set(left.filter((s) => s.status === 'ok').map((s) => s.id))).toEqual(new Set([busyRecent, quietOnly]))
    expect(left.filter((s) => s.status === 'failed').map((s) => s.accountId)).toEqual([quiet.id])
    expect(await prisma.balance.count({ where: { snapshotId: busyOld } })).toBe(0)
    expect(await prisma.balance.count({ where: { snapshotId: quietOnly } })).toBe(2)
    expect(await prisma.venueMargin.count({ where: { snapshotId: busyOld } })).toBe(0)
    expect((await prisma.impliedVol.findMany()).map((v) => v.time)).toEqual([daysAgo(1)])
    expect(new Set((await prisma.webhookDelivery.findMany({ select: { id: true } })).map((d) => d.id))).toEqual(new Set([oldQueued.id, recentDelivered.id]))

    // null keeps everything; a second pass with the same policy finds nothing more.
    expect(await pruneOldData(prisma, { snapshotDays: null, impliedVolDays: null, webhookDeliveryDays: null }, daysAgo(-365))).toEqual({ snapshots: 0, impliedVols: 0, webhookDeliveries: 0 })
    expect(await pruneOldData(prisma, { snapshotDays: 30, impliedVolDays: 30, webhookDeliveryDays: 30 }, NOW)).toEqual({ snapshots: 0, impliedVols: 0, webhookDeliveries: 0 })
  })
})
