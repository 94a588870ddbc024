// The shapes of the Binance USDⓈ-M answers the connector reads, checked at the boundary: ccxt hands back the raw
// text when a body is not JSON, and a changed or truncated answer must become a typed error, not a TypeError.
// Formats: https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Account-Information-V2,
// .../trade/rest-api/Position-Information-V3, .../account/rest-api/Notional-and-Leverage-Brackets; COIN-M:
// .../coin-margined-futures/account/rest-api/Account-Information, .../trade/rest-api/Position-Information,
// .../account/rest-api/Notional-Bracket-for-Pair; Portfolio Margin Pro: .../portfolio-margin-pro/account/Get-Portfolio-Margin-Pro-Account-Info
import { z } from 'zod'
import { parseCcxtPayload } from '../payload.js'

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

/** What every Binance position-risk answer carries (USDⓈ-M, COIN-M, and portfolio margin's UM and CM). */
export const POSITION_RISK_FIELDS = {
  symbol: z.string(),
  positionAmt: z.string(),
  entryPrice: z.string(),
  markPrice: z.string(),
  unRealizedProfit: z.string(),
  liquidationPrice: z.string(),
}

export const RawPositionRiskSchema = z.array(
  z.looseObject({
    ...POSITION_RISK_FIELDS,
    positionSide: z.string(),
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

/** COIN-M: the account's assets (margins in coin). */
export const RawCoinmAccountSchema = z.looseObject({
  assets: z.array(z.looseObject({ asset: z.string(), walletBalance: z.string(), marginBalance: z.string(), maintMargin: z.string(), initialMargin: z.string(), maxWithdrawAmount: z.string() })),
})

export const RawCoinmPositionRiskSchema = z.array(
  z.looseObject({
    ...POSITION_RISK_FIELDS,
    leverage: z.string(),
    marginType: z.string(),
    notionalValue: z.string(),
    positionSide: z.string(),
  }),
)

/** COIN-M brackets by pair, in coin. */
export const RawCoinmBracketSchema = z.array(z.looseObject({ symbol: z.string(), brackets: z.array(z.looseObject({ bracket: amount, qtyCap: amount, qtyFloor: amount, maintMarginRatio: amount, cum: amount })) }))

/** Portfolio Margin Pro (GET /sapi/v1/portfolio/account). */
export const RawPortfolioAccountSchema = z.looseObject({
  uniMMR: z.string(),
  accountEquity: z.string(),
  actualEquity: z.string().optional(),
  accountMaintMargin: z.string(),
  accountInitialMargin: z.string().optional(),
  totalAvailableBalance: z.string().optional(),
  accountStatus: z.string().optional(),
})

/** A Binance answer read through ccxt, checked (../payload.ts): text is a transient fault, JSON of the wrong shape not. */
export function readPayload<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  return parseCcxtPayload('binance', schema, body, what)
}
