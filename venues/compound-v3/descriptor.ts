// Compound v3 (Comet): an account is a wallet in one Comet market (one base asset, several collateral assets), named
// by the market's Comet proxy address on a chain reached by JSON-RPC.
import { z } from 'zod'
import type { VenueDescriptor } from '../types.js'

const address = (what: string) => z.string().regex(/^0x[0-9a-fA-F]{40}$/, `must be the ${what} as a 0x-prefixed 20-byte hex address`)

export const CompoundV3ConfigSchema = z.strictObject({
  /** JSON-RPC endpoint of the chain the market lives on. */
  rpcUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of a JSON-RPC endpoint' }),
  /** The market's Comet proxy (cUSDCv3 on Ethereum: 0xc3d688B66703497DAA19211EEdff47f25384cdc3). */
  comet: address('market’s Comet proxy'),
  account: address('wallet'),
  /** When given, the RPC must serve this chain (guards against a URL for the wrong network). */
  chainId: z.number({ error: 'must be a chain id (a positive integer)' }).int().positive().optional(),
  /**
   * An RPC whose latest block is older than this lags behind the chain (a stuck or unsynced node): its answer is
   * refused rather than stored as the account's current state. 10 minutes, as for Aave.
   */
  maxBlockAgeSeconds: z.number().int().positive().default(600),
  /**
   * The unit the market's price feeds quote in. USD for the USDC, USDT and USDS markets; the WETH markets price
   * everything in ETH (their base feed is a constant 1), so set ETH there: figures are then in ETH, and balances carry
   * no USD price rather than a wrong one.
   */
  priceCurrency: z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, 'must be a currency code such as USD or ETH').default('USD'),
})

export type CompoundV3Config = z.infer<typeof CompoundV3ConfigSchema>

export const compoundV3Descriptor: VenueDescriptor<CompoundV3Config> = {
  id: 'compound-v3',
  displayName: 'Compound v3',
  kind: 'defi-lending',
  // The contract reports balances and its own isLiquidatable / isBorrowCollateralized answers; the USD figures are
  // ours (margin.ts), checked against those answers on every fetch.
  supports: { positions: false, lending: true, options: false, venueReportsMargin: true },
  configSchema: CompoundV3ConfigSchema,
  // One fetch is five batched JSON-RPC requests; public RPCs commonly allow ~10/s.
  rateBudget: { requestsPerSecond: 10, weightPerMinute: null },
  docs: [
    'https://docs.compound.finance/collateral-and-borrowing/',
    'https://docs.compound.finance/liquidation/',
    'https://github.com/compound-finance/comet/blob/main/contracts/Comet.sol',
  ],
}
