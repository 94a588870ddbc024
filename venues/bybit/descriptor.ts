// Bybit unified trading account: an API key (by environment-variable names) and the settle coin of its linear book.
import { z } from 'zod'
import type { VenueDescriptor } from '../types.js'

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the NAME of an environment variable (e.g. BYBIT_API_KEY), not the key itself')

export const BybitConfigSchema = z.strictObject({
  apiKeyEnv: envName,
  secretEnv: envName,
  settleCoin: z.enum(['USDT', 'USDC']).default('USDT'),
  /** Taker fee used for the fee-to-close Bybit adds to position margin (VIP 0 derivatives: 0.055 %). */
  takerFeeRate: z.number().min(0).max(0.01).default(0.00055),
  testnet: z.boolean().default(false),
})

export type BybitConfig = z.infer<typeof BybitConfigSchema>

export const bybitDescriptor: VenueDescriptor<BybitConfig> = {
  id: 'bybit',
  displayName: 'Bybit',
  kind: 'cex',
  supports: { positions: true, lending: false, options: false, venueReportsMargin: true },
  configSchema: BybitConfigSchema,
  // v5 private endpoints: 10–20 requests per second per UID depending on the endpoint.
  rateBudget: { requestsPerSecond: 10, weightPerMinute: null },
  docs: [
    'https://bybit-exchange.github.io/docs/v5/account/wallet-balance',
    'https://bybit-exchange.github.io/docs/v5/position',
    'https://bybit-exchange.github.io/docs/v5/market/risk-limit',
    'https://bybit-exchange.github.io/docs/v5/user/apikey-info',
    'https://bybit-exchange.github.io/docs/v5/account/account-info',
    'https://bybit-exchange.github.io/docs/v5/rate-limit',
    'https://www.bybit.com/en/help-center/article/Initial-Margin-USDT-Contract',
    'https://www.bybit.com/en/help-center/article/Maintenance-Margin-USDT-Contract',
    'https://www.bybit.com/en/announcement-info/margin-parameters/',
  ],
}
