// Aave v3: which market (pool addresses provider on a chain, reached by RPC) and which wallet.
import { z } from 'zod'
import type { VenueDescriptor } from '../types.js'
import { MULTICALL3_ADDRESS } from './one-block-reader.js'

const address = (what: string) => z.string().regex(/^0x[0-9a-fA-F]{40}$/, `must be the ${what} as a 0x-prefixed 20-byte hex address`)

export const AaveV3ConfigSchema = z.strictObject({
  /** JSON-RPC endpoint of the chain the market lives on. */
  rpcUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of a JSON-RPC endpoint' }),
  poolAddressesProvider: address('market’s PoolAddressesProvider'),
  user: address('wallet'),
  /** When given, the RPC must serve this chain (guards against a URL for the wrong network). */
  chainId: z.number().int().positive().optional(),
  /** Display name of the market (Ethereum, Arbitrum, …). */
  market: z.string().optional(),
  /**
   * An RPC whose latest block is older than this lags behind the chain (a stuck or unsynced node): its answer is
   * refused rather than stored as today's account. Chains make blocks every 0.25–12 s; 10 minutes leaves room.
   */
  maxBlockAgeSeconds: z.number().int().positive().default(600),
  /**
   * Multicall3, through which one fetch's reads go as a few eth_calls at one block (the canonical deployment by
   * default); `false`, or a chain without code there, reads with plain eth_calls in JSON-RPC batches instead.
   */
  multicall3: z.union([address('Multicall3 contract'), z.literal(false)]).default(MULTICALL3_ADDRESS),
  /** The market's Aave v3 subgraph (a The Graph query URL): when given, the account's history is read from it. */
  subgraphUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of the market’s subgraph' }).optional(),
})

export type AaveV3Config = z.infer<typeof AaveV3ConfigSchema>

export const aaveV3Descriptor: VenueDescriptor<AaveV3Config> = {
  id: 'aave-v3',
  displayName: 'Aave v3',
  kind: 'defi-lending',
  supports: { positions: false, lending: true, options: false, venueReportsMargin: true },
  configSchema: AaveV3ConfigSchema,
  // Public RPCs commonly allow ~10 requests/s; one fetch is one batched request per read round.
  rateBudget: { requestsPerSecond: 10, weightPerMinute: null },
  docs: [
    'https://aave.com/docs/developers/smart-contracts/pool#view-methods-getuseraccountdata',
    'https://github.com/aave/aave-v3-core/blob/master/contracts/protocol/libraries/logic/GenericLogic.sol',
  ],
}
