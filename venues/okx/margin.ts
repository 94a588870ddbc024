// OKX's cross-margin rule for USDT-margined swaps, replicated in exact decimals: position IM = notional / leverage,
// MM = notional × the position tier's maintenance rate, and the cross margin ratio = equity / (MM + fee to close all
// positions at the taker fee), equity being the adjusted equity in multi-currency and portfolio margin and the
// currency's equity in single-currency margin; OKX liquidates at a margin ratio of 100 %.
// Sources: https://www.okx.com/help/iv-multi-currency-margin-mode-cross-margin-trading (risk in USD: adjusted equity
// against the maintenance margin of all positions plus the fees to close them) · the Get balance example of
// https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-balance, whose mgnRatio is exactly
// adjEq / (mmr + notionalUsd × 0.05 %) · https://www.okx.com/docs-v5/en/#public-data-rest-api-get-position-tiers.
import { Decimal } from '../../core/decimal.js'

export interface OkxTier {
  tier: number
  minSz: Decimal
  maxSz: Decimal
  mmr: Decimal
  imr: Decimal
}

export interface OkxPositionInput {
  instId: string
  /** Position in contracts (signed) and the contract value in coin, so size in coin = pos × ctVal. */
  pos: Decimal
  ctVal: Decimal
  markPx: Decimal
  lever: Decimal
  tiers: OkxTier[]
}

export function okxTier(tiers: OkxTier[], contracts: Decimal): OkxTier {
  const size = contracts.abs()
  const sorted = [...tiers].sort((a, b) => a.tier - b.tier)
  return sorted.find((t) => size.lte(t.maxSz) && (size.gt(t.minSz) || t.minSz.isZero())) ?? sorted[sorted.length - 1]!
}

export function okxPositionMargin(p: OkxPositionInput, takerFeeRate: Decimal) {
  const notional = p.pos.abs().mul(p.ctVal).mul(p.markPx)
  const tier = okxTier(p.tiers, p.pos)
  return { notional, tier: tier.tier, initialMargin: notional.div(p.lever), maintenanceMargin: notional.mul(tier.mmr), feeToClose: notional.mul(takerFeeRate) }
}

/** Equity over (maintenance margin + fees to close the notional at the taker fee): liquidation at 1; null with no requirement. */
export function okxCrossMarginRatio(equity: Decimal, maintenance: Decimal, notional: Decimal, takerFeeRate: Decimal): Decimal | null {
  const denominator = maintenance.plus(notional.mul(takerFeeRate))
  return denominator.gt(0) ? equity.div(denominator) : null
}
