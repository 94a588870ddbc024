// OKX trading account: an API key, secret and passphrase, each given by the name of its environment variable.
import { z } from 'zod'
import type { VenueDescriptor } from '../types.js'

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the NAME of an environment variable (e.g. OKX_API_KEY), not the key itself')

export const OkxConfigSchema = z.strictObject({
  apiKeyEnv: envName,
  secretEnv: envName,
  passphraseEnv: envName,
  /** Taker fee the margin ratio counts for closing (OKX's "transaction fee"; regular users 0.05 % on swaps). */
  takerFeeRate: z.number().min(0).max(0.01).default(0.0005),
})

export type OkxConfig = z.infer<typeof OkxConfigSchema>

export const okxDescriptor: VenueDescriptor<OkxConfig> = {
  id: 'okx',
  displayName: 'OKX',
  kind: 'cex',
  supports: { positions: true, lending: false, options: false, venueReportsMargin: true },
  configSchema: OkxConfigSchema,
  rateBudget: { requestsPerSecond: 5, weightPerMinute: null },
  docs: [
    'https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-balance',
    'https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-positions',
    'https://www.okx.com/docs-v5/en/#public-data-rest-api-get-position-tiers',
    'https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-account-configuration',
    'https://www.okx.com/help/iv-multi-currency-margin-mode-cross-margin-trading',
  ],
}
