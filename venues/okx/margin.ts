// OKX's cross-margin rule for USDT-margined swaps, replicated in exact decimals: position IM = notional / leverage,
// MM = notional × the position tier's maintenance rate, and the margin ratio = equity / (MM + fee to close);
// OKX liquidates at a margin ratio of 100 %. Source: OKX help, "Margin ratio" and position tiers
// (https://www.okx.com/help/iv-introduction-to-margin-ratio, https://www.okx.com/trade-market/position/swap).
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

/** Equity over (maintenance margin + fees to close): liquidation at 1. */
export function okxMarginRatio(equity: Decimal, maintenance: Decimal, fees: Decimal): Decimal | null {
  const denominator = maintenance.plus(fees)
  return denominator.gt(0) ? equity.div(denominator) : null
}
