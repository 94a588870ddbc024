// What every resolver gets: the database, this request's loaders, the clock, and the services behind mutations.
import type { Logger } from 'pino'
import type { PrismaClient } from '../generated/prisma/client.js'
import { createLoaders, type Loaders } from '../portfolio/loaders.js'
import type { AnyVenueConnector } from '../venues/types.js'
import type { PriceHistory } from '../risk/types.js'
import type { AccountToVerify, VerificationResult } from '../indexer/verify-account.js'
import type { VenuePause } from '../indexer/venue-backoff.js'
import type { PortfolioEvents } from '../core/events.js'
import { OPEN_ACCESS, type Access } from './access.js'

export interface ApiServices {
  prisma: PrismaClient
  logger: Logger
  venues: Record<string, AnyVenueConnector>
  /** Fetches one account now (the indexer's path); absent when the API runs without an indexer. */
  refreshAccount?: (accountId: string) => Promise<void>
  now: () => Date
  /** Encrypts credentials for storage; absent when CROSSMARGIN_SECRET_KEY is not set (then none are accepted). */
  sealCredentials?: (plain: Record<string, string>) => string
  /** Asks the venue about a new account before it is stored (see indexer/verify-account.ts); absent: no live check. */
  verifyAccount?: (account: AccountToVerify) => Promise<VerificationResult>
  /** The indexer's pause for a venue that asked us to wait (Retry-After); absent without an indexer. */
  venuePause?: (venue: string) => VenuePause | null
  /** Portfolio events for subscriptions; absent: subscriptions are refused. */
  events?: PortfolioEvents
  /** Daily price history for the risk engine (stored candles), null when none is stored. */
  priceHistory?: () => Promise<PriceHistory | null>
  /** Refuse requests without an API key (a server others can reach); otherwise a request with no key has open access. */
  requireApiKey?: boolean
  /** Let accounts added over the API name venue URLs on loopback or private networks (config venueUrls). */
  allowPrivateVenueUrls?: boolean
  /** Web origins besides the server's own that may call the API from a browser (server.allowedOrigins); none by default. */
  allowedOrigins?: readonly string[]
  /** Closes the subscriptions of a key just revoked (set by the server). */
  apiKeyRevoked?: (keyId: string) => void
  /** How often open subscriptions' keys are checked for a revocation made elsewhere (default 10 s). */
  revocationSweepMs?: number
  /** Put stack traces in GraphQL error answers (CROSSMARGIN_DEBUG_ERRORS=1); off by default. */
  debugErrors?: boolean
  /** Let webhook URLs point at loopback and private networks (notify/webhook-target.ts); refused when absent. */
  allowPrivateWebhookAddresses?: boolean
}

export interface ApiContext extends ApiServices {
  /** Who is asking: which portfolios this request may see and change (api/access.ts). */
  access: Access
  loaders: Loaders
  /** Per-request memo: several fields of one portfolio share one risk run. */
  memo: Map<string, Promise<unknown>>
}

export function createContext(services: ApiServices, access: Access = OPEN_ACCESS): ApiContext {
  return { ...services, access, loaders: createLoaders(services.prisma), memo: new Map() }
}

export function memoize<T>(ctx: ApiContext, key: string, compute: () => Promise<T>): Promise<T> {
  if (!ctx.memo.has(key)) ctx.memo.set(key, compute())
  return ctx.memo.get(key) as Promise<T>
}
