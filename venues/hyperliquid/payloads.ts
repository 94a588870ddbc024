// The shapes of the Hyperliquid info answers the connector reads, checked where they arrive (../payload.ts).
// Hyperliquid writes amounts as decimal strings and leverage, ids and times as JSON numbers; objects stay loose so
// the raw payload keeps every field the venue sent. Formats:
// https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint/perpetuals (clearinghouseState,
// meta) and .../info-endpoint/spot (spotClearinghouseState).
import { z } from 'zod'

const decimal = z.string()

const MarginSummarySchema = z.looseObject({ accountValue: decimal, totalMarginUsed: decimal, totalNtlPos: decimal, totalRawUsd: decimal })

export const PositionSchema = z.looseObject({
  coin: z.string(),
  szi: decimal,
  entryPx: decimal.nullable(),
  positionValue: decimal,
  unrealizedPnl: decimal,
  liquidationPx: decimal.nullable(),
  marginUsed: decimal,
  // rawUsd: the isolated margin's USD, only on isolated positions.
  leverage: z.looseObject({ type: z.enum(['cross', 'isolated']), value: z.number(), rawUsd: decimal.optional() }),
})

export const ClearinghouseStateSchema = z.looseObject({
  assetPositions: z.array(z.looseObject({ position: PositionSchema, type: z.string() })),
  marginSummary: MarginSummarySchema,
  crossMarginSummary: MarginSummarySchema.optional(),
  // Absent from older answers.
  crossMaintenanceMarginUsed: decimal.optional(),
  withdrawable: decimal,
  time: z.number().optional(),
})
export type ClearinghouseState = z.infer<typeof ClearinghouseStateSchema>

export const MetaSchema = z.looseObject({
  universe: z.array(z.looseObject({ name: z.string(), maxLeverage: z.number(), szDecimals: z.number(), marginTableId: z.number().optional() })),
  /** [id, table] pairs; absent from older answers (then every asset is one tier at its max leverage). */
  marginTables: z.array(z.tuple([z.number(), z.looseObject({ description: z.string().optional(), marginTiers: z.array(z.looseObject({ lowerBound: decimal, maxLeverage: z.number() })) })])).optional(),
})
export type Meta = z.infer<typeof MetaSchema>

export const SpotStateSchema = z.looseObject({
  balances: z.array(z.looseObject({ coin: z.string(), token: z.number().optional(), hold: decimal, total: decimal, entryNtl: decimal.optional() })),
})
