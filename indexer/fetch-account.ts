// One fetch of one account: run its connector under a deadline, validate what came back, and store the result
// (a good snapshot, or a failed one with the error). Never throws for a venue's fault.
import type { Logger } from 'pino'
import type { PrismaClient } from '../generated/prisma/client.js'
import { Internal, Unauthorized, VenueUnavailable, isCrossmarginError, type CrossmarginError } from '../core/errors.js'
import type { AnyVenueConnector, ClientEnvironment } from '../venues/types.js'
import { fetchVenueAccount } from '../venues/venue-faults.js'
import { validateSnapshot } from './validate-snapshot.js'
import { writeFailedSnapshot, writeSnapshot } from './snapshot-writer.js'

export interface IndexedAccount {
  id: string
  venue: string
  label: string
  config: Record<string, unknown>
  /** Encrypted credentials stored with the account (by addAccount), or null. */
  credentials?: string | null
}

export type FetchOutcome =
  | { accountId: string; status: 'ok' | 'failed'; snapshotId: string; durationMs: number; error: CrossmarginError | null }
  /** Not fetched: the venue asked every client to wait (Retry-After); nothing was written, the last snapshot stands. */
  | { accountId: string; status: 'deferred'; snapshotId: null; durationMs: 0; error: null; resumesAt: Date }

export interface AccountFetcherDeps {
  prisma: PrismaClient
  venues: Record<string, AnyVenueConnector>
  clientEnv: ClientEnvironment
  logger: Logger
  timeoutMs: number
  now?: () => Date
  /** Opens stored credentials (AES-256-GCM under CROSSMARGIN_SECRET_KEY); absent when no key is configured. */
  openCredentials?: (sealed: string) => Record<string, string>
}

/** Keeps one venue client per account between fetches (ccxt market caches, ethers connections). */
export class ClientCache {
  private readonly clients = new Map<string, { client: unknown; connector: AnyVenueConnector; configKey: string }>()

  get(account: Pick<IndexedAccount, 'id' | 'credentials'> & { config: unknown }, connector: AnyVenueConnector, env: ClientEnvironment): unknown {
    const configKey = JSON.stringify([account.config, account.credentials ?? null])
    const cached = this.clients.get(account.id)
    if (cached && cached.configKey === configKey) return cached.client
    if (cached) void cached.connector.closeClient?.(cached.client)
    const client = connector.createClient(account.config, env)
    this.clients.set(account.id, { client, connector, configKey })
    return client
  }

  async closeAll(): Promise<void> {
    for (const { client, connector } of this.clients.values()) await connector.closeClient?.(client)
    this.clients.clear()
  }
}

/** Runs `work` with an abort signal; rejects with VenueUnavailable when `timeoutMs` passes first. */
export function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, timeoutMs: number, what: string): Promise<T> {
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new VenueUnavailable(`${what} did not answer within ${timeoutMs} ms`))
    }, timeoutMs)
  })
  return Promise.race([work(controller.signal), deadline]).finally(() => clearTimeout(timer))
}

export async function fetchAndStoreAccount(deps: AccountFetcherDeps, account: IndexedAccount, clients: ClientCache): Promise<FetchOutcome> {
  const now = deps.now ?? (() => new Date())
  const startedAt = now()
  const started = performance.now()
  const log = deps.logger.child({ accountId: account.id, venue: account.venue, label: account.label })
  try {
    const connector = deps.venues[account.venue]
    if (!connector) throw new Internal(`no connector registered for venue "${account.venue}"`)
    const config = connector.descriptor.configSchema.parse(account.config)
    // Stored credentials answer the environment-variable names the account's config uses, before the environment.
    let env = deps.clientEnv
    if (account.credentials) {
      if (!deps.openCredentials) throw new Unauthorized('this account has stored credentials but CROSSMARGIN_SECRET_KEY is not set')
      const stored = deps.openCredentials(account.credentials)
      env = { ...deps.clientEnv, secret: (name) => stored[name] ?? deps.clientEnv.secret(name) }
    }
    const client = clients.get({ ...account, config }, connector, env)
    const snapshot = await withDeadline(
      (signal) => fetchVenueAccount(connector, client, config, { signal, logger: log, now }),
      deps.timeoutMs,
      `${account.venue} account "${account.label}"`,
    )
    validateSnapshot(account.venue, snapshot)
    const durationMs = performance.now() - started
    const snapshotId = await writeSnapshot(deps.prisma, account, snapshot, durationMs)
    log.info({ snapshotId, durationMs: Math.round(durationMs), positions: snapshot.positions.length }, 'account indexed')
    return { accountId: account.id, status: 'ok', snapshotId, durationMs, error: null }
  } catch (caught) {
    const error = isCrossmarginError(caught) ? caught : new Internal(`unexpected failure: ${(caught as Error)?.message ?? String(caught)}`, { cause: caught })
    const durationMs = performance.now() - started
    const snapshotId = await writeFailedSnapshot(deps.prisma, account, error, startedAt, durationMs)
    log.warn({ code: error.code, error: error.message, durationMs: Math.round(durationMs) }, 'account fetch failed; last good snapshot kept')
    return { accountId: account.id, status: 'failed', snapshotId, durationMs, error }
  }
}
