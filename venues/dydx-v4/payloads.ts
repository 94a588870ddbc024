// The shapes of the dYdX v4 indexer answers the connector reads, checked where they arrive (../payload.ts). The
// indexer writes amounts, sizes and heights as strings; objects stay loose so the raw payload keeps every field.
// Formats: https://docs.dydx.exchange/api_integration-indexer/indexer_api (GET /v4/addresses/{address},
// /v4/addresses/{address}/subaccountNumber/{n}, /v4/perpetualMarkets).
import { z } from 'zod'

const decimal = z.string()

export const SubaccountAnswerSchema = z.looseObject({
  subaccount: z.looseObject({
    equity: decimal,
    freeCollateral: decimal,
    openPerpetualPositions: z.record(z.string(), z.looseObject({ market: z.string(), size: decimal, entryPrice: decimal, unrealizedPnl: decimal, side: z.string() })),
    assetPositions: z.record(z.string(), z.looseObject({ symbol: z.string(), size: decimal, side: z.enum(['LONG', 'SHORT']) })).optional(),
    updatedAtHeight: z.string().optional(),
    latestProcessedBlockHeight: z.string().optional(),
  }),
})

/** A market's figures; the open-interest caps (for OI-scaled IMF) are absent from older answers and read as 0. */
export const PerpetualMarketSchema = z.looseObject({
  oraclePrice: decimal,
  initialMarginFraction: decimal,
  maintenanceMarginFraction: decimal,
  openInterest: decimal.optional(),
  openInterestLowerCap: decimal.optional(),
  openInterestUpperCap: decimal.optional(),
})
export type PerpetualMarket = z.infer<typeof PerpetualMarketSchema>

export const PerpetualMarketsSchema = z.looseObject({ markets: z.record(z.string(), PerpetualMarketSchema) })

export const AddressAnswerSchema = z.looseObject({ subaccounts: z.array(z.looseObject({ subaccountNumber: z.number() })) })
