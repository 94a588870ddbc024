// The live check a new account passes before it is stored: the venue's own answer on whether the account exists
// and what its key may do. Definitive "does not exist" answers stop the add (InvalidInput naming the config key);
// a venue that cannot be reached does not, because a user adding an account during an outage should not have to
// come back later; the account is stored with a warning that it was not checked.
import type { Logger } from 'pino'
import { InvalidInput, Unauthorized, isCrossmarginError } from '../core/errors.js'
import type { AnyVenueConnector, ClientEnvironment } from '../venues/types.js'
import type { CrossmarginConfig } from '../core/config.js'
import { withDeadline } from './fetch-account.js'

export interface AccountVerifierDeps {
  venues: Record<string, AnyVenueConnector>
  clientEnv: ClientEnvironment
  timeoutMs: number
  logger: Logger
  now?: () => Date
}

export interface AccountToVerify {
  venue: string
  label: string
  /** Already validated by the venue's configSchema. */
  config: unknown
  /** Plain secrets supplied with the account (addAccount), looked up before the environment. */
  secrets?: Record<string, string>
}

export interface VerificationResult {
  warnings: string[]
}

/**
 * Returns the warnings to store with the account. Throws InvalidInput whose field is relative to the account:
 * `config.<key>` for a config key the venue refused, `credentials` for a key the venue rejected.
 */
export async function verifyAccount(deps: AccountVerifierDeps, account: AccountToVerify): Promise<VerificationResult> {
  const connector = deps.venues[account.venue]
  if (!connector?.verifyAccount) return { warnings: [] }
  const secrets = account.secrets
  const env: ClientEnvironment = secrets ? { ...deps.clientEnv, secret: (name) => secrets[name] ?? deps.clientEnv.secret(name) } : deps.clientEnv
  const log = deps.logger.child({ venue: account.venue, label: account.label })
  const now = deps.now ?? (() => new Date())
  let client: unknown
  try {
    client = connector.createClient(account.config, env)
    const verification = await withDeadline(
      (signal) => connector.verifyAccount!(client, account.config, { signal, logger: log, now }),
      deps.timeoutMs,
      `${account.venue} account "${account.label}"`,
    )
    return { warnings: [...verification.warnings] }
  } catch (caught) {
    if (caught instanceof InvalidInput) {
      // Connectors name the config key; the caller knows where the config sits in its own input.
      const field = caught.field === 'credentials' || caught.field.startsWith('config.') ? caught.field : `config.${caught.field}`
      throw new InvalidInput(field, caught.detail, { cause: caught })
    }
    if (caught instanceof Unauthorized) {
      throw new InvalidInput('credentials', `${account.venue} rejected the API key: ${caught.message}`, { cause: caught })
    }
    const reason = isCrossmarginError(caught) ? caught.message : `unexpected failure: ${(caught as Error)?.message ?? String(caught)}`
    log.warn({ error: reason }, 'account could not be verified; stored unverified')
    return { warnings: [`not verified with ${account.venue}: ${reason}`] }
  } finally {
    if (client !== undefined) await Promise.resolve(connector.closeClient?.(client)).catch(() => undefined)
  }
}

/** Key of one config account in the warnings map: portfolio name and label. */
export function configAccountKey(portfolioName: string, label: string): string {
  return `${portfolioName}\u0000${label}`
}

/**
 * Verifies every account a config file names before anything is stored, so a subaccount that does not exist
 * stops the start with the file and key named, as a malformed key does. Returns warnings per account.
 */
export async function verifyConfigAccounts(deps: AccountVerifierDeps, config: CrossmarginConfig, source: string): Promise<Map<string, string[]>> {
  const checks = config.portfolios.flatMap((portfolio, p) =>
    portfolio.accounts.map(async (account, a) => {
      try {
        const { warnings } = await verifyAccount(deps, { venue: account.venue, label: account.label, config: account.config })
        return [configAccountKey(portfolio.name, account.label), warnings] as const
      } catch (caught) {
        if (caught instanceof InvalidInput) throw new InvalidInput(`${source}: portfolios[${p}].accounts[${a}].${caught.field}`, caught.detail, { cause: caught })
        throw caught
      }
    }),
  )
  return new Map(await Promise.all(checks))
}
