// The composition root: wires one running crossmargin: database (migrated), config accounts synced, indexer loop, GraphQL API.
import { existsSync } from 'node:fs'
import type { Logger } from 'pino'
import { openDatabase, resolveDatabaseTarget, type Database } from '../core/db/client.js'
import { InvalidInput } from '../core/errors.js'
import { embeddedDataPath } from './data-location.js'
import type { CrossmarginConfig } from '../core/config.js'
import { syncConfig } from '../indexer/config-sync.js'
import { importPriceDirectory } from '../market/candle-store.js'
import { decryptCredentials, encryptCredentials, loadSecretKey } from '../core/credentials.js'
import { Indexer } from '../indexer/indexer.js'
import { MarginCallMonitor } from '../indexer/margin-call-monitor.js'
import { PortfolioEvents } from '../core/events.js'
import { WebhookDispatcher } from '../notify/webhook-dispatcher.js'
import { PriceHistorySync } from '../market/history-sync.js'
import { RetentionJob } from '../indexer/retention.js'
import { bridgeEventsThroughPostgres, type EventBridge } from '../core/events-postgres.js'
import { AaveHistorySync } from '../indexer/aave-history.js'
import { verifyAccount, verifyConfigAccounts, type AccountVerifierDeps } from '../indexer/verify-account.js'
import { startApiServer, type ApiServer } from '../api/server.js'
import { cachedPriceHistory } from '../market/candle-store.js'
import { portfolioUnifiedBook } from '../portfolio/report.js'
import { portfolioSources } from '../portfolio/sources.js'
import type { AnyVenueConnector, ClientEnvironment } from '../venues/types.js'

export interface AppOptions {
  config: CrossmarginConfig
  venues: Record<string, AnyVenueConnector>
  logger: Logger
  env: NodeJS.ProcessEnv
  /** Secrets the process holds itself (the demo's keys); looked up before the environment. */
  secrets?: Record<string, string>
  urlOverrides?: Record<string, string>
  /** Run the indexer loop (false: API only). */
  indexer?: boolean
  /** How errors name the config (its file name); 'config' when absent. */
  configSource?: string
  /** A directory of daily candle CSVs to store at start (the risk engine's history), when it exists. */
  pricesDir?: string | null
}

export interface RunningApp {
  db: Database
  api: ApiServer
  indexer: Indexer
  /** Portfolio events (account fetched, margin call opened/resolved) behind the API's subscriptions. */
  events: PortfolioEvents
  portfolioIds: string[]
  stop(): Promise<void>
}

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const { config, logger } = options
  // Reachable from other machines with no key asked: anyone there could read every portfolio and add accounts.
  if (!config.server.requireApiKey && !config.server.insecureNoAuth && !isLoopback(config.server.host)) {
    throw new InvalidInput(
      `${options.configSource ?? 'config'}: server.requireApiKey`,
      `the API would listen on ${config.server.host}, beyond this machine, without requiring API keys: set server.requireApiKey: true (CROSSMARGIN_REQUIRE_API_KEY=1, keys from \`npm run api-key\`), or start with --insecure-no-auth if every client that can reach it may see everything`,
    )
  }
  const target = resolveDatabaseTarget(options.env, embeddedDataPath(config.dataDir, process.cwd()))
  const db = await openDatabase(target)
  let bridge: EventBridge | null = null
  try {
    const migrated = await db.migrate()
    logger.info({ database: target.kind, applied: migrated.applied }, 'database ready')
    const clientEnv: ClientEnvironment = {
      secret: (name) => options.secrets?.[name] ?? options.env[name],
      timeoutMs: config.indexer.timeoutMs,
      urlOverrides: options.urlOverrides,
      logger,
    }
    const verifier: AccountVerifierDeps = { venues: options.venues, clientEnv, timeoutMs: config.indexer.timeoutMs, logger: logger.child({ component: 'verify' }) }
    // Before anything from the config is stored: a subaccount the venue says does not exist stops the start.
    const warnings = await verifyConfigAccounts(verifier, config, options.configSource ?? 'config')
    const { portfolioIds } = await syncConfig(db.prisma, config, warnings)
    if (options.pricesDir && existsSync(options.pricesDir)) {
      const stored = await importPriceDirectory(db.prisma, options.pricesDir)
      logger.info({ pricesDir: options.pricesDir, newCandles: stored }, 'daily price history stored')
    }

    // Stored credentials need CROSSMARGIN_SECRET_KEY; without it accounts use environment variables only.
    const secretKey = options.env.CROSSMARGIN_SECRET_KEY ? loadSecretKey(options.env) : null
    const events = new PortfolioEvents()
    // On a PostgreSQL server several processes may serve one database (an indexer, API processes behind a balancer):
    // their events meet through LISTEN/NOTIFY. Embedded PGlite is one process's own.
    bridge = db.target.kind === 'postgres' ? bridgeEventsThroughPostgres(events, { connectionString: db.target.url, logger: logger.child({ component: 'events' }) }) : null
    const priceHistory = cachedPriceHistory(db.prisma)
    const marginCalls = new MarginCallMonitor({
      prisma: db.prisma,
      events,
      logger: logger.child({ component: 'margin-calls' }),
      // The unified book, computed by the portfolio service as the API shows it (risk engine over stored snapshots).
      unifiedBook: (portfolioId) => portfolioUnifiedBook(portfolioSources(db.prisma, { now: () => new Date(), priceHistory }), portfolioId),
    })
    const history = new AaveHistorySync({ prisma: db.prisma, logger: logger.child({ component: 'history' }), timeoutMs: config.indexer.timeoutMs })
    const indexer = new Indexer({
      onFetched: async (outcome) => {
        if (outcome.status === 'deferred') return
        // History is read beside the fetch, never holding it up; a failure is logged by the sync.
        if (outcome.status === 'ok') void history.afterFetch(outcome.accountId).catch(() => undefined)
        const { portfolioId } = await marginCalls.afterFetch(outcome.accountId)
        if (portfolioId) events.publish({ kind: 'account', portfolioId, accountId: outcome.accountId })
      },
      openCredentials: secretKey ? (sealed) => decryptCredentials(sealed, secretKey) : undefined,
      prisma: db.prisma,
      venues: options.venues,
      clientEnv,
      logger: logger.child({ component: 'indexer' }),
      timeoutMs: config.indexer.timeoutMs,
      intervalMs: config.indexer.intervalSeconds * 1000,
      concurrencyPerVenue: config.indexer.concurrencyPerVenue,
    })
    if (!config.server.requireApiKey && !isLoopback(config.server.host)) {
      logger.warn({ host: config.server.host }, 'the API listens beyond this machine without requiring API keys (--insecure-no-auth): anyone who reaches it may read every portfolio')
    }
    const api = await startApiServer(
      {
        prisma: db.prisma,
        logger: logger.child({ component: 'api' }),
        venues: options.venues,
        now: () => new Date(),
        sealCredentials: secretKey ? (plain) => encryptCredentials(plain, secretKey) : undefined,
        verifyAccount: (account) => verifyAccount(verifier, account),
        venuePause: (venue) => indexer.backoff.pausedUntil(venue),
        events,
        requireApiKey: config.server.requireApiKey,
        priceHistory,
        allowPrivateWebhookAddresses: config.webhooks.allowPrivateAddresses,
        allowedOrigins: config.server.allowedOrigins,
        allowPrivateVenueUrls: config.venueUrls.allowPrivateAddresses,
        debugErrors: /^(1|true|yes)$/i.test(options.env.CROSSMARGIN_DEBUG_ERRORS ?? ''),
        refreshAccount: async (id) => {
          await indexer.runOnce([id])
        },
      },
      config.server,
    )
    // Webhook secrets are stored sealed under the same key as credentials: without it there are no webhooks.
    const webhooks = secretKey
      ? new WebhookDispatcher({
          prisma: db.prisma,
          logger: logger.child({ component: 'webhooks' }),
          openSecret: (sealed) => decryptCredentials(sealed, secretKey).secret!,
          allowPrivateAddresses: config.webhooks.allowPrivateAddresses,
        })
      : null
    webhooks?.listen(events)
    webhooks?.start()
    const retention = new RetentionJob({ prisma: db.prisma, logger: logger.child({ component: 'retention' }), policy: config.retention })
    const dailyHistory = config.marketData.dailyHistory
    const historySync = dailyHistory ? new PriceHistorySync({ prisma: db.prisma, logger: logger.child({ component: 'daily-history' }), settings: dailyHistory, timeoutMs: config.indexer.timeoutMs }) : null
    if (options.indexer !== false) {
      indexer.start()
      retention.start()
      historySync?.start()
    }
    return {
      db,
      api,
      indexer,
      events,
      portfolioIds,
      async stop() {
        // Indexer first: no fetch should start writing while the database closes.
        logger.info('stopping the indexer')
        await indexer.stop()
        await retention.stop()
        await historySync?.stop()
        await webhooks?.stop()
        await bridge?.close()
        logger.info('stopping the API')
        await api.close()
        logger.info('closing the database')
        await db.close()
        logger.info('stopped')
      },
    }
  } catch (error) {
    await bridge?.close()
    await db.close()
    throw error
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}
