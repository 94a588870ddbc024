// Hyperliquid perpetuals: an account is a wallet address, read through the public info API.
import { z } from 'zod'
import type { VenueDescriptor } from '../types.js'

export const HyperliquidConfigSchema = z.strictObject({
  user: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be the account’s 0x-prefixed 20-byte address'),
  /** Info API base (mainnet by default; the testnet's, or a local replay server, for tests). */
  apiUrl: z.url().default('https://api.hyperliquid.xyz'),
})

export type HyperliquidConfig = z.infer<typeof HyperliquidConfigSchema>

export const hyperliquidDescriptor: VenueDescriptor<HyperliquidConfig> = {
  id: 'hyperliquid',
  displayName: 'Hyperliquid',
  kind: 'defi-perp',
  supports: { positions: true, lending: false, options: false, venueReportsMargin: true },
  configSchema: HyperliquidConfigSchema,
  // The info API allows 1,200 weight per minute per IP; clearinghouseState and meta weigh 2 and 20.
  rateBudget: { requestsPerSecond: 5, weightPerMinute: 1200 },
  docs: [
    'https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint/perpetuals',
    'https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margining',
    'https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations',
  ],
}
