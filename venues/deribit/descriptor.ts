// Deribit: an account is one settlement currency of an API key (BTC, ETH, USDC or USDT segment).
import { z } from 'zod'
import type { VenueDescriptor } from '../types.js'

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the NAME of an environment variable (e.g. DERIBIT_CLIENT_ID), not the key itself')

export const DeribitConfigSchema = z.strictObject({
  currency: z.enum(['BTC', 'ETH', 'USDC', 'USDT']).default('BTC'),
  clientIdEnv: envName,
  clientSecretEnv: envName,
  testnet: z.boolean().default(false),
})

export type DeribitConfig = z.infer<typeof DeribitConfigSchema>

export const deribitDescriptor: VenueDescriptor<DeribitConfig> = {
  id: 'deribit',
  displayName: 'Deribit',
  kind: 'cex',
  supports: { positions: true, lending: false, options: true, venueReportsMargin: true },
  configSchema: DeribitConfigSchema,
  // Non-matching-engine requests: 20 per second sustained for a default account (credits, burst 100).
  rateBudget: { requestsPerSecond: 10, weightPerMinute: null },
  docs: [
    'https://docs.deribit.com/api-reference/account-management/private-get_account_summaries',
    'https://docs.deribit.com/api-reference/account-management/private-get_positions',
    'https://docs.deribit.com/api-reference/market-data/public-get_book_summary_by_currency',
    'https://docs.deribit.com/api-reference/market-data/public-get_currencies',
    'https://docs.deribit.com/articles/access-scope',
    'https://support.deribit.com/hc/en-us/articles/25944756247837-Portfolio-Margin',
  ],
}
