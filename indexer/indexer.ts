// The indexer loop: every interval, fetch every account (bounded concurrency per venue, venues in parallel).
// A broken venue or account never stops the others; stopping mid-cycle is safe because each write is atomic.
import type { Logger } from 'pino'
import type { PrismaClient } from '../generated/prisma/client.js'
import type { AnyVenueConnector, ClientEnvironment } from '../venues/types.js'
import { ClientCache, fetchAndStoreAccount, type FetchOutcome, type IndexedAccount } from './fetch-account.js'
import { VenueBackoff } from './venue-backoff.js'

export interface IndexerOptions {
  prisma: PrismaClient
  venues: Record<string, AnyVenueConnector>
  clientEnv: ClientEnvironment
  logger: Logger
  timeoutMs: number
  intervalMs: number
  concurrencyPerVenue: number
  openCredentials?: (sealed: string) => Record<string, string>
  now?: () => Date
  /** Awaited after each account is stored (margin calls are re-decided and published from here); its errors are logged. */
  onFetched?: (outcome: FetchOutcome) => void | Promise<void>
  /** Shared with the API so it can say which venues are paused; one is made when absent. */
  backoff?: VenueBackoff
}

async function runLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index]!)
    }
  })
  await Promise.all(workers)
  return results
}

export class Indexer {
  private readonly clients = new ClientCache()
  private timer: NodeJS.Timeout | null = null
  private running: Promise<FetchOutcome[]> | null = null
  private stopped = false
  readonly backoff: VenueBackoff

  constructor(private readonly options: IndexerOptions) {
    this.backoff = options.backoff ?? new VenueBackoff(options.now)
  }

  /** Fetches the given accounts (default: all stored accounts) once. */
  async runOnce(accountIds?: string[]): Promise<FetchOutcome[]> {
    const accounts: IndexedAccount[] = (
      await this.options.prisma.account.findMany({
        where: accountIds ? { id: { in: accountIds } } : undefined,
        select: { id: true, venue: true, label: true, config: true, credentials: true },
        orderBy: { createdAt: 'asc' },
      })
    ).map((a) => ({ ...a, config: (a.config ?? {}) as Record<string, unknown> }))
    const byVenue = new Map<string, IndexedAccount[]>()
    for (const account of accounts) byVenue.set(account.venue, [...(byVenue.get(account.venue) ?? []), account])
    const perVenue = await Promise.all(
      [...byVenue.values()].map((venueAccounts) =>
        runLimited(venueAccounts, this.options.concurrencyPerVenue, async (account) => {
          const pause = this.backoff.pausedUntil(account.venue)
          if (pause) {
            this.options.logger.info({ accountId: account.id, venue: account.venue, resumesAt: pause.until.toISOString() }, 'venue asked us to wait; account deferred, last snapshot kept')
            return { accountId: account.id, status: 'deferred', snapshotId: null, durationMs: 0, error: null, resumesAt: pause.until } satisfies FetchOutcome
          }
          const outcome = await fetchAndStoreAccount(this.options, account, this.clients)
          if (outcome.error) {
            const paused = this.backoff.note(account.venue, outcome.error)
            if (paused) this.options.logger.warn({ venue: account.venue, resumesAt: paused.until.toISOString() }, 'venue paused for every account until its Retry-After passes')
          }
          try {
            await this.options.onFetched?.(outcome)
          } catch (error) {
            this.options.logger.error({ accountId: account.id, error: (error as Error).message }, 'after-fetch step failed; the snapshot is stored')
          }
          return outcome
        }),
      ),
    )
    return perVenue.flat()
  }

  /** Runs a cycle now and then every interval until stop(). */
  start(): void {
    this.stopped = false
    const cycle = async () => {
      if (this.stopped) return
      this.running = this.runOnce().catch((error: unknown) => {
        // Only the database itself failing lands here; the next cycle tries again.
        this.options.logger.error({ error: (error as Error).message }, 'indexer cycle failed')
        return []
      })
      await this.running
      this.running = null
      if (!this.stopped) this.timer = setTimeout(() => void cycle(), this.options.intervalMs)
    }
    void cycle()
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    await this.running
    await this.clients.closeAll()
  }
}
