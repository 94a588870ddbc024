// GMX v2 (gmx-synthetics): an account is a wallet on Arbitrum or Avalanche, read through the Reader contract over
// JSON-RPC, with market list and oracle prices from GMX's public API.
import { z } from 'zod'
import type { VenueDescriptor } from '../types.js'
import { GMX_CHAINS, GMX_DEPLOYMENTS, type GmxDeployment } from './chains.js'

const address = (what: string) => z.string().regex(/^0x[0-9a-fA-F]{40}$/, `must be the ${what} as a 0x-prefixed 20-byte hex address`)

export const GmxV2ConfigSchema = z.strictObject({
  chain: z.enum(GMX_CHAINS, { error: `must be one of ${GMX_CHAINS.join(', ')}` }),
  account: address('trader’s wallet'),
  /** JSON-RPC endpoint of that chain. */
  rpcUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of a JSON-RPC endpoint' }),
  /** GMX's public API for the chain (markets, tickers, tokens); the chain's default when absent. */
  apiUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of the GMX API' }).optional(),
  /** A latest block older than this means the node is behind: the fetch fails rather than show old positions as new. */
  maxBlockAgeSeconds: z.number().int().positive().default(120),
  /** Contract overrides (a redeployed Reader, a fork); GMX's mainnet deployment of the chain when absent. */
  reader: address('GMX v2 Reader contract').optional(),
  dataStore: address('GMX v2 DataStore contract').optional(),
  referralStorage: address('GMX ReferralStorage contract').optional(),
})

export type GmxV2Config = z.infer<typeof GmxV2ConfigSchema>

/** The contracts and API one account is read from: the chain's deployment with the config's overrides. */
export function resolveDeployment(config: GmxV2Config): GmxDeployment {
  const defaults = GMX_DEPLOYMENTS[config.chain]
  return {
    chainId: defaults.chainId,
    apiUrl: config.apiUrl ?? defaults.apiUrl,
    reader: config.reader ?? defaults.reader,
    dataStore: config.dataStore ?? defaults.dataStore,
    referralStorage: config.referralStorage ?? defaults.referralStorage,
  }
}

export const gmxV2Descriptor: VenueDescriptor<GmxV2Config> = {
  id: 'gmx-v2',
  displayName: 'GMX v2',
  kind: 'defi-perp',
  // The Reader reports each position's P&L, price impact and fees; `reported` combines them as the liquidation check
  // does. Initial and maintenance margin and the liquidation price are ours (margin.ts).
  supports: { positions: true, lending: false, options: false, venueReportsMargin: true },
  configSchema: GmxV2ConfigSchema,
  // One fetch is three HTTP calls to the API and three or four batched JSON-RPC requests; public RPCs allow ~10/s.
  rateBudget: { requestsPerSecond: 10, weightPerMinute: null },
  docs: [
    'https://docs.gmx.io/docs/trading/v2#liquidations',
    'https://docs.gmx.io/docs/api/rest',
    'https://github.com/gmx-io/gmx-synthetics/blob/main/contracts/reader/ReaderPositionUtils.sol',
    'https://github.com/gmx-io/gmx-synthetics/blob/main/contracts/position/PositionUtils.sol',
  ],
}
