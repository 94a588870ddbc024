// dYdX v4: an account is a subaccount of a dydx1… address, read through the public indexer REST API.
import { z } from 'zod'
import type { VenueDescriptor } from '../types.js'

export const DydxV4ConfigSchema = z.strictObject({
  address: z.string().regex(/^dydx1[02-9ac-hj-np-z]{38}$/, 'must be a dYdX chain address (dydx1 followed by 38 bech32 characters)'),
  subaccountNumber: z.number().int().min(0).max(128_000).default(0),
  indexerUrl: z.url().default('https://indexer.dydx.trade'),
})

export type DydxV4Config = z.infer<typeof DydxV4ConfigSchema>

export const dydxV4Descriptor: VenueDescriptor<DydxV4Config> = {
  id: 'dydx-v4',
  displayName: 'dYdX v4',
  kind: 'defi-perp',
  supports: { positions: true, lending: false, options: false, venueReportsMargin: true },
  configSchema: DydxV4ConfigSchema,
  rateBudget: { requestsPerSecond: 10, weightPerMinute: null },
  docs: [
    'https://docs.dydx.xyz/indexer-client/http',
    'https://docs.dydx.exchange/concepts-trading/margining',
    'https://docs.dydx.exchange/concepts-trading/open-interest-based-imf',
  ],
}
