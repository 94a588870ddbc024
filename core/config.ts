// The configuration file (crossmargin.yaml or .json): validated with zod at start; a bad key stops everything
// with a message naming the file and the key.
import { readFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import { InvalidInput } from './errors.js'

/** The eight assets of the shared history (BTC, ETH, SOL, BNB, XRP, DOGE, AVAX, LINK), kept current by default. */
const DEFAULT_HISTORY_ASSETS = ['BTC', 'ETH', 'SOL', 'BNB', 'XRP', 'DOGE', 'AVAX', 'LINK']
/** Binance spot's public API: the source the shared history comes from. */
const BINANCE_SPOT_URL = 'https://api.binance.com'

const AccountSchema = z.strictObject({
  venue: z.string().min(1),
  label: z.string().min(1).max(100),
  /** Venue-specific settings, validated by that venue's descriptor. Secrets are given by env-var NAME. */
  config: z.record(z.string(), z.unknown()).default({}),
})

const PortfolioSchema = z.strictObject({
  name: z.string().min(1).max(200),
  accounts: z.array(AccountSchema).default([]),
})

export const ConfigSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(4000),
      /** Refuse API requests without a key (see api/access.ts); a server others can reach should set it. */
      requireApiKey: z.boolean().default(false),
      /**
       * Listen beyond loopback without requiring keys anyway (`--insecure-no-auth`): anyone who reaches the port may
       * read every portfolio and add accounts. Off by default: such a start is refused.
       */
      insecureNoAuth: z.boolean().default(false),
      /**
       * Web origins besides the server's own whose pages may call the API from a browser (`https://app.example`).
       * None by default: a page on another origin (another local port included) is refused.
       */
      allowedOrigins: z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be an origin such as https://app.example (scheme and host, no path)')).default([]),
    })
    .default({ host: '127.0.0.1', port: 4000, requireApiKey: false, insecureNoAuth: false, allowedOrigins: [] }),
  /** Embedded PostgreSQL directory when DATABASE_URL is not set (the database is `<dataDir>/pgdata`). */
  dataDir: z.string().default('.crossmargin'),
  indexer: z
    .strictObject({
      intervalSeconds: z.number().positive().default(60),
      timeoutMs: z.number().int().positive().default(20_000),
      /** Accounts fetched at once per venue. */
      concurrencyPerVenue: z.number().int().positive().default(4),
    })
    .default({ intervalSeconds: 60, timeoutMs: 20_000, concurrencyPerVenue: 4 }),
  webhooks: z
    .strictObject({
      /** Let webhooks reach loopback and private networks (notify/webhook-target.ts): for receivers on your own network. */
      allowPrivateAddresses: z.boolean().default(false),
    })
    .default({ allowPrivateAddresses: false }),
  venueUrls: z
    .strictObject({
      /**
       * Let accounts added over the API name venue URLs (rpcUrl, apiUrl, indexerUrl, subgraphUrl) on loopback or
       * private networks. Off: such a URL would let any key make the server call its own network. Accounts in this
       * file are the operator's and may name any URL.
       */
      allowPrivateAddresses: z.boolean().default(false),
    })
    .default({ allowPrivateAddresses: false }),
  /** Days of old data kept (indexer/retention.ts); null keeps everything. An account's latest good snapshot always stays. */
  retention: z
    .strictObject({
      snapshotDays: z.number().positive().nullable().default(30),
      impliedVolDays: z.number().positive().nullable().default(30),
      webhookDeliveryDays: z.number().positive().nullable().default(30),
    })
    .default({ snapshotDays: 30, impliedVolDays: 30, webhookDeliveryDays: 30 }),
  /**
   * Daily closes for the risk engine's history (market/history-sync.ts), fetched from Binance spot's public
   * klines for every factor held and every asset listed or already stored; null fetches nothing (history then comes
   * only from `npm run load-prices` or CROSSMARGIN_PRICES_DIR).
   */
  marketData: z
    .strictObject({
      dailyHistory: z
        .strictObject({
          url: z.url().default(BINANCE_SPOT_URL),
          assets: z.array(z.string().regex(/^[A-Za-z0-9]+$/, 'an asset symbol such as BTC')).default(DEFAULT_HISTORY_ASSETS),
        })
        .nullable()
        .default({ url: BINANCE_SPOT_URL, assets: DEFAULT_HISTORY_ASSETS }),
    })
    .default({ dailyHistory: { url: BINANCE_SPOT_URL, assets: DEFAULT_HISTORY_ASSETS } }),
  portfolios: z.array(PortfolioSchema).default([]),
})

export type CrossmarginConfig = z.infer<typeof ConfigSchema>

/**
 * What config validation needs to know of each venue: the schema of its accounts' `config` (a venue's descriptor
 * satisfies it). Declared here so core/ never imports venues/: the caller passes the registry.
 */
export type VenueConfigSchemas = Record<string, { descriptor: { configSchema: z.ZodType<unknown> } }>

/** The demo's own data directory: a real config's data never mixes with the demo's. */
export const DEMO_DATA_DIR = '.crossmargin/demo'

export const DEFAULT_CONFIG_FILES = ['crossmargin.yaml', 'crossmargin.yml', 'crossmargin.json']

function formatPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((out, segment) => {
    if (typeof segment === 'number') return `${out}[${segment}]`
    return out ? `${out}.${String(segment)}` : String(segment)
  }, '')
}

/**
 * Validates parsed config text; `source` names the file in every error. `venues: null` checks everything but the
 * accounts' venue settings (for scripts that need only where the data lives, without loading every connector).
 */
export function validateConfig(raw: unknown, source: string, venues: VenueConfigSchemas | null): CrossmarginConfig {
  const parsed = ConfigSchema.safeParse(raw ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => formatPath([...issue.path, k])) : [formatPath(issue.path)]
    throw new InvalidInput(`${source}: ${keys.join(', ') || '(root)'}`, issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message)
  }
  const config = parsed.data
  if (venues === null) return config
  const labels = new Set<string>()
  config.portfolios.forEach((portfolio, p) => {
    portfolio.accounts.forEach((account, a) => {
      const where = `portfolios[${p}].accounts[${a}]`
      const connector = venues[account.venue]
      if (!connector) {
        throw new InvalidInput(`${source}: ${where}.venue`, `unknown venue "${account.venue}" (known: ${Object.keys(venues).join(', ')})`)
      }
      const key = `${portfolio.name}\u0000${account.label}`
      if (labels.has(key)) throw new InvalidInput(`${source}: ${where}.label`, `duplicate label "${account.label}" in portfolio "${portfolio.name}"`)
      labels.add(key)
      const venueConfig = connector.descriptor.configSchema.safeParse(account.config)
      if (!venueConfig.success) {
        const issue = venueConfig.error.issues[0]!
        const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => formatPath([...issue.path, k])) : [formatPath(issue.path)]
        throw new InvalidInput(`${source}: ${where}.config.${keys.join(', ')}`, issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message)
      }
      account.config = venueConfig.data as Record<string, unknown>
    })
  })
  return config
}

/** Reads and validates a config file (YAML or JSON by extension). */
export function loadConfigFile(file: string, venues: VenueConfigSchemas | null): CrossmarginConfig {
  if (!existsSync(file)) throw new InvalidInput('config', `file ${file} does not exist`)
  const text = readFileSync(file, 'utf8')
  let raw: unknown
  try {
    raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text)
  } catch (error) {
    throw new InvalidInput(path.basename(file), `is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`)
  }
  return validateConfig(raw, path.basename(file), venues)
}

/** The config file to use: an explicit path, CROSSMARGIN_CONFIG, or the first default name present in `cwd`. */
export function findConfigFile(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | null {
  const chosen = explicit ?? env.CROSSMARGIN_CONFIG
  if (chosen) return path.resolve(cwd, chosen)
  for (const name of DEFAULT_CONFIG_FILES) {
    const candidate = path.join(cwd, name)
    if (existsSync(candidate)) return candidate
  }
  return null
}
