// The one face every venue folder shows: a descriptor, a client factory and fetchAccount.
// Connectors do I/O only through the client they are given, so tests point them at local servers or chains.
import type { z } from 'zod'
import type { Logger } from 'pino'
import type { VenueKind, VenueSnapshot } from '../core/domain.js'

export interface RateBudget {
  /** Sustained requests per second this venue tolerates from one process, shared by all its accounts. */
  requestsPerSecond: number
  /** Venue weight budget per minute where the venue counts weights (Binance), else null. */
  weightPerMinute: number | null
}

export interface VenueDescriptor<Config> {
  /** Stable identifier used in config files, the database and the API (`aave-v3`, `binance`). */
  id: string
  displayName: string
  kind: VenueKind
  supports: {
    positions: boolean
    lending: boolean
    options: boolean
    venueReportsMargin: boolean
  }
  /** Validates one account's venue-specific config; errors name the key. */
  configSchema: z.ZodType<Config>
  rateBudget: RateBudget
  docs: string[]
}

export interface ClientEnvironment {
  /** Reads a secret (API key, secret) by environment-variable name; never logged. */
  secret(name: string): string | undefined
  /** Per-request timeout for the venue's client. */
  timeoutMs: number
  /** Overrides a venue's base URLs (tests, demo, a self-hosted node). */
  urlOverrides?: Record<string, string>
  logger: Logger
}

export interface FetchContext {
  signal: AbortSignal
  logger: Logger
  /** Wall clock of the fetch, for venues that do not timestamp their answers. */
  now: () => Date
}

/** What a live check of a new account found that does not stop it being added. */
export interface AccountVerification {
  /** Plain sentences for the user, e.g. that an API key can trade or withdraw (read-only keys are what we ask for). */
  warnings: string[]
}

export interface VenueConnector<Config, Client> {
  descriptor: VenueDescriptor<Config>
  createClient(config: Config, env: ClientEnvironment): Client
  /** Run through fetchVenueAccount (venue-faults.ts): a payload check's InvalidInput raised here is the venue's fault. */
  fetchAccount(client: Client, config: Config, ctx: FetchContext): Promise<VenueSnapshot>
  /**
   * Optional live check run before an account is stored (addAccount, and config accounts at start).
   * Throws `InvalidInput` whose field is the config key at fault (`subaccountNumber`, `address`, `market`) when the
   * venue says definitively that the account or market does not exist; nothing is then stored. Venue faults
   * (`VenueUnavailable`) do not block the add: the account is stored with a warning that it could not be checked.
   * Returns warnings such as a key's trading or withdrawal permission.
   */
  verifyAccount?(client: Client, config: Config, ctx: FetchContext): Promise<AccountVerification>
  closeClient?(client: Client): Promise<void> | void
}

export type AnyVenueConnector = VenueConnector<unknown, unknown>
