// What the database keeps, and for how long. The indexer stores a snapshot per account per cycle (a minute by
// default, with the venue's raw answer), Deribit's option chain adds tens of thousands of implied-vol points a day,
// and every webhook POST leaves a delivery row: left alone, these grow without bound. Old rows go, except what is
// still in use: each account's latest good snapshot (its current state, however old) and deliveries still queued.
import type { Logger } from 'pino'
import { Prisma, type PrismaClient } from '../generated/prisma/client.js'

export interface RetentionPolicy {
  /** Days of snapshots (good and failed) kept; null keeps them all. */
  snapshotDays: number | null
  /** Days of stored implied vols kept; null keeps them all. */
  impliedVolDays: number | null
  /** Days of delivered or given-up webhook deliveries kept; null keeps them all. */
  webhookDeliveryDays: number | null
}

export interface PruneResult {
  snapshots: number
  impliedVols: number
  webhookDeliveries: number
}

const DAY_MS = 86_400_000
const cutoff = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS)

/** Deletes what the policy no longer keeps (a snapshot's positions, balances and margins go with it). */
export async function pruneOldData(prisma: PrismaClient, policy: RetentionPolicy, now: Date): Promise<PruneResult> {
  const result: PruneResult = { snapshots: 0, impliedVols: 0, webhookDeliveries: 0 }
  if (policy.snapshotDays !== null) {
    const before = cutoff(now, policy.snapshotDays)
    // One statement, so a snapshot written meanwhile cannot slip between choosing the latest and deleting the rest.
    result.snapshots = await prisma.$executeRaw(Prisma.sql`
      DELETE FROM "Snapshot" s
      WHERE s."fetchedAt" < ${before}
        AND s."id" NOT IN (SELECT DISTINCT ON ("accountId") "id" FROM "Snapshot" WHERE "status" = 'ok' ORDER BY "accountId", "fetchedAt" DESC)`)
  }
  if (policy.impliedVolDays !== null) {
    result.impliedVols = (await prisma.impliedVol.deleteMany({ where: { time: { lt: cutoff(now, policy.impliedVolDays) } } })).count
  }
  if (policy.webhookDeliveryDays !== null) {
    const before = cutoff(now, policy.webhookDeliveryDays)
    result.webhookDeliveries = (
      await prisma.webhookDelivery.deleteMany({ where: { createdAt: { lt: before }, OR: [{ deliveredAt: { not: null } }, { failedAt: { not: null } }] } })
    ).count
  }
  return result
}

/** Prunes now and then every `intervalMs` (an hour by default) until stopped. */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null

  constructor(private readonly deps: { prisma: PrismaClient; logger: Logger; policy: RetentionPolicy; now?: () => Date; intervalMs?: number }) {}

  runOnce(): Promise<void> {
    this.running ??= pruneOldData(this.deps.prisma, this.deps.policy, (this.deps.now ?? (() => new Date()))())
      .then((removed) => {
        if (removed.snapshots + removed.impliedVols + removed.webhookDeliveries > 0) this.deps.logger.info(removed, 'old data pruned')
      })
      .catch((error: unknown) => this.deps.logger.error({ error: (error as Error).message }, 'pruning old data failed; it is tried again next time'))
      .finally(() => {
        this.running = null
      })
    return this.running
  }

  start(): void {
    void this.runOnce()
    this.timer = setInterval(() => void this.runOnce(), this.deps.intervalMs ?? 3_600_000)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running
  }
}
