// Keeps an Aave v3 account's history (supplies, borrows, repays, liquidations) from its market's subgraph in
// AccountEvent rows: after a good fetch of an account whose config names a subgraphUrl, at most every
// `intervalMs`, it reads what happened since the latest stored event and stores it once (re-reading adds nothing).
import type { Logger } from 'pino'
import type { PrismaClient } from '../generated/prisma/client.js'
import { describeError } from '../core/errors.js'
import { fetchAaveHistory } from '../venues/aave-v3/subgraph/history.js'

export interface AaveHistorySyncDeps {
  prisma: PrismaClient
  logger: Logger
  timeoutMs: number
  now?: () => Date
  /** Least time between two reads of one account's history. */
  intervalMs?: number
}

export class AaveHistorySync {
  private readonly lastRun = new Map<string, number>()
  private readonly now: () => Date

  constructor(private readonly deps: AaveHistorySyncDeps) {
    this.now = deps.now ?? (() => new Date())
  }

  /** Reads and stores new history for the account when due; returns how many events were new (0 when skipped). */
  async afterFetch(accountId: string): Promise<number> {
    const account = await this.deps.prisma.account.findUnique({ where: { id: accountId }, select: { id: true, venue: true, config: true } })
    const config = account?.config as { subgraphUrl?: string; user?: string } | undefined
    if (!account || account.venue !== 'aave-v3' || !config?.subgraphUrl || !config.user) return 0
    const now = this.now().getTime()
    if (now - (this.lastRun.get(accountId) ?? -Infinity) < (this.deps.intervalMs ?? 10 * 60_000)) return 0
    this.lastRun.set(accountId, now)
    return this.sync(accountId, config.subgraphUrl, config.user, now)
  }

  async sync(accountId: string, url: string, user: string, nowMs = this.now().getTime()): Promise<number> {
    const latest = await this.deps.prisma.accountEvent.findFirst({ where: { accountId }, orderBy: { time: 'desc' }, select: { time: true } })
    // From the second of the latest stored event (events of that second may not all be stored): duplicates are skipped.
    const since = latest ? Math.floor(latest.time.getTime() / 1000) : 0
    try {
      const events = await fetchAaveHistory({ url, user, since, until: Math.floor(nowMs / 1000) + 1, timeoutMs: this.deps.timeoutMs })
      const stored = await this.deps.prisma.accountEvent.createMany({
        data: events.map((e) => ({
          accountId,
          kind: e.kind,
          eventId: e.eventId,
          txHash: e.txHash,
          time: e.time,
          asset: e.asset,
          amount: e.amount,
          priceUsd: e.priceUsd,
          collateralAsset: e.collateralAsset,
          collateralAmount: e.collateralAmount,
          raw: e.raw as object,
        })),
        skipDuplicates: true,
      })
      if (stored.count > 0) this.deps.logger.info({ accountId, newEvents: stored.count }, 'account history stored')
      return stored.count
    } catch (error) {
      // History is an extra: a subgraph that fails leaves what is stored as it was and the account as it is.
      this.deps.logger.warn({ accountId, error: describeError(error) }, 'account history not read')
      throw error
    }
  }
}
