// The shapes of the Binance USDⓈ-M answers the connector reads, checked at the boundary: ccxt hands back the raw
// text when a body is not JSON, and a changed or truncated answer must become a typed error, not a TypeError.
// Formats: https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V2,
// .../trade/rest-api/Position-Information-V3, .../account/rest-api/Notional-and-Leverage-Brackets
import { z } from 'zod'
import { VenueRejected, VenueUnavailable } from '../../core/errors.js'

// Binance writes amounts as strings; brackets as JSON numbers. Either is kept as given and parsed exactly later.
const amount = z.union([z.string(), z.number()])

export const RawAccountSchema = z.looseObject({
  totalWalletBalance: z.string(),
  totalCrossWalletBalance: z.string().optional(),
  totalMarginBalance: z.string(),
  totalMaintMargin: z.string(),
  totalInitialMargin: z.string(),
  totalUnrealizedProfit: z.string(),
  availableBalance: z.string(),
  maxWithdrawAmount: z.string(),
  assets: z.array(z.looseObject({ asset: z.string(), walletBalance: z.string(), marginBalance: z.string().optional(), crossWalletBalance: z.string().optional() })),
  positions: z.array(z.looseObject({ symbol: z.string(), leverage: z.string().optional(), isolated: z.boolean().optional(), positionSide: z.string().optional(), positionAmt: z.string().optional() })),
})
export type RawAccount = z.infer<typeof RawAccountSchema>

export const RawPositionRiskSchema = z.array(
  z.looseObject({
    symbol: z.string(),
    positionSide: z.string(),
    positionAmt: z.string(),
    entryPrice: z.string(),
    markPrice: z.string(),
    unRealizedProfit: z.string(),
    liquidationPrice: z.string(),
    notional: z.string(),
    marginAsset: z.string().optional(),
    isolatedMargin: z.string().optional(),
    isolatedWallet: z.string().optional(),
    initialMargin: z.string().optional(),
    maintMargin: z.string().optional(),
    // v2 only; v3 leaves leverage and margin type to the account endpoint.
    leverage: z.string().optional(),
    marginType: z.string().optional(),
  }),
)
export type RawPositionRisk = z.infer<typeof RawPositionRiskSchema>[number]

export const RawLeverageBracketSchema = z.array(
  z.looseObject({
    symbol: z.string(),
    brackets: z.array(z.looseObject({ bracket: z.number(), initialLeverage: z.number(), notionalCap: amount, notionalFloor: amount, maintMarginRatio: amount, cum: amount })),
  }),
)
export type RawBracketSymbol = z.infer<typeof RawLeverageBracketSchema>[number]

/**
 * A body that is not JSON at all (ccxt returns its text) is a transient fault: VenueUnavailable. JSON of the wrong
 * shape will not mend on retry: VenueRejected, naming the first field at fault.
 */
export function readPayload<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  if (body === undefined || body === null || typeof body === 'string') {
    throw new VenueUnavailable(`binance sent a body that is not JSON for ${what}`)
  }
  const result = schema.safeParse(body)
  if (!result.success) {
    const issue = result.error.issues[0]!
    throw new VenueRejected(`binance sent an unusable ${what}: ${issue.path.join('.') || '(root)'}: ${issue.message}`)
  }
  return result.data
}
