// Binance futures: which market and which API key (by the names of the environment variables holding it).
import { z } from 'zod'
import type { VenueDescriptor } from '../types.js'

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the NAME of an environment variable (e.g. BINANCE_API_KEY), not the key itself')

export const BinanceConfigSchema = z.strictObject({
  /**
   * `usdm`: USDⓈ-M futures; `coinm`: COIN-M (coin-margined, inverse) futures; `pm`: the Portfolio Margin account
   * (papi: UM and CM futures and margin under one uniMMR); `portfolio`: Portfolio Margin Pro's account summary.
   */
  market: z.enum(['usdm', 'coinm', 'pm', 'portfolio']).default('usdm'),
  /** COIN-M only: the margin asset whose positions and figures this account shows. */
  marginAsset: z.string().regex(/^[A-Z0-9]{2,10}$/, 'must be an asset symbol such as BTC').default('BTC'),
  apiKeyEnv: envName,
  secretEnv: envName,
  /** Binance's Demo Trading endpoints (which replaced the futures testnet) instead of the live ones. */
  testnet: z.boolean().default(false),
})

export type BinanceConfig = z.infer<typeof BinanceConfigSchema>

export const binanceDescriptor: VenueDescriptor<BinanceConfig> = {
  id: 'binance',
  displayName: 'Binance futures',
  kind: 'cex',
  supports: { positions: true, lending: false, options: false, venueReportsMargin: true },
  configSchema: BinanceConfigSchema,
  // USDⓈ-M allows 2,400 request weight per minute per IP; one account fetch costs about 15.
  rateBudget: { requestsPerSecond: 10, weightPerMinute: 2400 },
  docs: [
    'https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V2',
    'https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Notional-and-Leverage-Brackets',
    'https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-b3c689c1f50a44cabb3a84e663b81d93',
  ],
}
