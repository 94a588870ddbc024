// GMX v2's liquidation rule for one isolated position, replicated in exact decimals from
// PositionUtils.isPositionLiquidatable (gmx-synthetics): the collateral left after closing is
//   collateral × collateral price (min) + P&L + price impact − costs
// where P&L values the position at the index price GMX uses for P&L (min for longs, max for shorts), the price
// impact is the closing impact plus the position's pending impact (valued at the index price), never counted when
// positive and floored at −size × MAX_POSITION_IMPACT_FACTOR_FOR_LIQUIDATIONS, and the costs are the closing
// position fee, UI fee and pending borrowing fee (less referral discounts) and the pending funding fee. A position is
// liquidatable when that remainder is below MIN_COLLATERAL_USD, not above 0, or below
// size × MIN_COLLATERAL_FACTOR_FOR_LIQUIDATION. Positions are isolated: each liquidates on its own.
// Docs: https://docs.gmx.io/docs/trading/v2#liquidations.
import { Decimal } from '../../core/decimal.js'
import { marginFigures, type VenueMarginFigures } from '../../core/domain.js'

/** An oracle price range in USD per whole token (GMX keeps a min and a max per token). */
export interface PriceRange {
  min: Decimal
  max: Decimal
}

/** The market's DataStore parameters the rule reads, as fractions and USD. */
export interface GmxMarketParams {
  /** MIN_COLLATERAL_FACTOR: the collateral a position needs when opened or increased (1 / max leverage). */
  minCollateralFactor: Decimal
  /** MIN_COLLATERAL_FACTOR_FOR_LIQUIDATION: the collateral below which it is liquidated. */
  minCollateralFactorForLiquidation: Decimal
  /** MAX_POSITION_IMPACT_FACTOR_FOR_LIQUIDATIONS: the most negative price impact the check counts, per USD of size. */
  maxPositionImpactFactorForLiquidations: Decimal
  /** MIN_COLLATERAL_USD: a floor on the remaining collateral, whatever the size. */
  minCollateralUsd: Decimal
}

export interface GmxPositionInput {
  isLong: boolean
  /** Position.sizeInUsd: the USD value of the tokens when bought. */
  sizeInUsd: Decimal
  /** Position.sizeInTokens, in whole index tokens. */
  sizeInTokens: Decimal
  /** Position.collateralAmount, in whole collateral tokens. */
  collateralAmount: Decimal
  /** Position.pendingImpactAmount: price impact deferred to the close, in index tokens (negative = owed). */
  pendingImpactAmount: Decimal
  /** Whether the collateral is the index token itself (an ETH long backed by WETH): its price moves with the index. */
  collateralMovesWithIndex: boolean
  indexPrice: PriceRange
  collateralPrice: PriceRange
  /** The Reader's price impact of closing the whole position now, in USD (already capped when positive). */
  closingPriceImpactUsd: Decimal
  /** Closing position fee plus UI fee less referral and pro discounts, in USD. */
  closingFeeUsd: Decimal
  /** Pending borrowing fee, in USD. */
  borrowingFeeUsd: Decimal
  /** Pending funding fee, in collateral tokens (GMX accrues it in the collateral token). */
  fundingFeeAmount: Decimal
  params: GmxMarketParams
}

export type LiquidationReason = 'min collateral' | '< 0' | 'min collateral for leverage'

export interface GmxPositionMargin {
  collateralUsd: Decimal
  pnlUsd: Decimal
  /** Price impact as the liquidation check counts it (≤ 0). */
  priceImpactUsd: Decimal
  /** Pending borrowing and funding fees, owed whether or not the position closes. */
  pendingFeesUsd: Decimal
  /** Everything the check deducts: closing fee, pending borrowing and funding fees. */
  costsUsd: Decimal
  remainingCollateralUsd: Decimal
  /** size × MIN_COLLATERAL_FACTOR: what opening this position asked for. */
  initialMarginUsd: Decimal
  /** max(size × MIN_COLLATERAL_FACTOR_FOR_LIQUIDATION, MIN_COLLATERAL_USD): the remainder below which it liquidates. */
  maintenanceMarginUsd: Decimal
  liquidatable: boolean
  /** The contract's own reason string when liquidatable. */
  reason: LiquidationReason | null
  /** Index price at which the remainder equals the maintenance margin, other inputs held; null when no price does. */
  liquidationPrice: Decimal | null
}

const ZERO = new Decimal(0)

/** Price.pickPriceForPnl(isLong, maximize = false): longs are valued at the min price, shorts at the max. */
export function pnlPrice(p: Pick<GmxPositionInput, 'isLong' | 'indexPrice'>): Decimal {
  return p.isLong ? p.indexPrice.min : p.indexPrice.max
}

/** PositionUtils.getPositionPnlUsd for the whole position (a profit capped by the pool is not modelled; see README). */
export function positionPnlUsd(p: GmxPositionInput): Decimal {
  const value = p.sizeInTokens.mul(pnlPrice(p))
  return p.isLong ? value.minus(p.sizeInUsd) : p.sizeInUsd.minus(value)
}

/** The price impact isPositionLiquidatable counts: closing + pending impact, capped at 0 and at the liquidation floor. */
export function liquidationPriceImpactUsd(p: GmxPositionInput): Decimal {
  const pendingUsd = p.pendingImpactAmount.mul(p.pendingImpactAmount.gt(0) ? p.indexPrice.min : p.indexPrice.max)
  const impact = p.closingPriceImpactUsd.plus(pendingUsd)
  if (impact.gte(0)) return ZERO
  const floor = p.sizeInUsd.mul(p.params.maxPositionImpactFactorForLiquidations).neg()
  return Decimal.max(impact, floor)
}

function pendingFeesUsd(p: GmxPositionInput): Decimal {
  return p.borrowingFeeUsd.plus(p.fundingFeeAmount.mul(p.collateralPrice.min))
}

/** info.remainingCollateralUsd of isPositionLiquidatable. */
export function remainingCollateralUsd(p: GmxPositionInput): Decimal {
  const collateralUsd = p.collateralAmount.mul(p.collateralPrice.min)
  return collateralUsd.plus(positionPnlUsd(p)).plus(liquidationPriceImpactUsd(p)).minus(p.closingFeeUsd).minus(pendingFeesUsd(p))
}

/** The remainder the position must keep: the larger of the leverage floor and MIN_COLLATERAL_USD (and above 0). */
export function maintenanceMarginUsd(p: GmxPositionInput): Decimal {
  return Decimal.max(p.sizeInUsd.mul(p.params.minCollateralFactorForLiquidation), p.params.minCollateralUsd, 0)
}

/** isPositionLiquidatable(…, shouldValidateMinCollateralUsd = true, forLiquidation = true), reasons in its order. */
export function liquidationCheck(p: GmxPositionInput): { liquidatable: boolean; reason: LiquidationReason | null; remainingCollateralUsd: Decimal } {
  const remaining = remainingCollateralUsd(p)
  const reason: LiquidationReason | null = remaining.lt(p.params.minCollateralUsd)
    ? 'min collateral'
    : remaining.lte(0)
      ? '< 0'
      : remaining.lt(p.sizeInUsd.mul(p.params.minCollateralFactorForLiquidation))
        ? 'min collateral for leverage'
        : null
  return { liquidatable: reason !== null, reason, remainingCollateralUsd: remaining }
}

/** The same position with the index at one price (min = max) and, when it is the index token, the collateral too. */
export function atIndexPrice(p: GmxPositionInput, price: Decimal): GmxPositionInput {
  const range = { min: price, max: price }
  return { ...p, indexPrice: range, collateralPrice: p.collateralMovesWithIndex ? range : p.collateralPrice }
}

type ImpactForm = 'none' | 'pending' | 'floor'

/**
 * The index price at which the remainder equals the maintenance margin. With the index at one price P the remainder
 * is piecewise linear in P: a·P + b, the pieces set by where the impact (closing + pending × P) sits against its
 * clamps (0 above, −size × max factor below). Each piece is solved in closed form and kept when the price it gives
 * really lies in that piece; of several, the one nearest the current price. Held fixed: the closing price impact and
 * fees in USD (GMX prices them off open interest and size, not the index), the collateral price unless the collateral
 * is the index token.
 */
export function liquidationPrice(p: GmxPositionInput): Decimal | null {
  const threshold = maintenanceMarginUsd(p)
  const side = p.isLong ? 1 : -1
  const collateralNet = p.collateralAmount.minus(p.fundingFeeAmount)
  const slope = (p.collateralMovesWithIndex ? collateralNet : ZERO).plus(p.sizeInTokens.mul(side))
  const intercept = (p.collateralMovesWithIndex ? ZERO : collateralNet.mul(p.collateralPrice.min)).minus(p.sizeInUsd.mul(side)).minus(p.closingFeeUsd).minus(p.borrowingFeeUsd)
  const floor = p.sizeInUsd.mul(p.params.maxPositionImpactFactorForLiquidations)
  const pieces: Record<ImpactForm, { a: Decimal; b: Decimal }> = {
    none: { a: slope, b: intercept },
    pending: { a: slope.plus(p.pendingImpactAmount), b: intercept.plus(p.closingPriceImpactUsd) },
    floor: { a: slope, b: intercept.minus(floor) },
  }
  // A root sits in its piece when the true remainder there equals the threshold; comparing remainders (not the
  // clamp's edges) also keeps a root that lands exactly on an edge, where rounding could put it on either side.
  const tolerance = Decimal.max(p.sizeInUsd, 1).mul('1e-12')
  const roots: Decimal[] = []
  for (const { a, b } of Object.values(pieces)) {
    if (a.isZero()) continue
    const price = threshold.minus(b).div(a)
    if (price.lte(0)) continue
    if (remainingCollateralUsd(atIndexPrice(p, price)).minus(threshold).abs().lte(tolerance)) roots.push(price)
  }
  if (roots.length === 0) return null
  const now = pnlPrice(p)
  return roots.reduce((best, r) => (r.minus(now).abs().lt(best.minus(now).abs()) ? r : best))
}

export function calculateGmxPosition(p: GmxPositionInput): GmxPositionMargin {
  const check = liquidationCheck(p)
  const pending = pendingFeesUsd(p)
  return {
    collateralUsd: p.collateralAmount.mul(p.collateralPrice.min),
    pnlUsd: positionPnlUsd(p),
    priceImpactUsd: liquidationPriceImpactUsd(p),
    pendingFeesUsd: pending,
    costsUsd: p.closingFeeUsd.plus(pending),
    remainingCollateralUsd: check.remainingCollateralUsd,
    initialMarginUsd: p.sizeInUsd.mul(p.params.minCollateralFactor),
    maintenanceMarginUsd: maintenanceMarginUsd(p),
    liquidatable: check.liquidatable,
    reason: check.reason,
    liquidationPrice: liquidationPrice(p),
  }
}

export interface GmxAccountMargin {
  totalCollateralUsd: Decimal
  /** Σ remaining collateral: what closing every position now would leave, as the liquidation check counts it. */
  equityUsd: Decimal
  pendingFeesUsd: Decimal
  initialMarginUsd: Decimal
  maintenanceMarginUsd: Decimal
  /** The worst position's maintenance margin over its remainder (liquidation at 1); null when one is already ≤ 0. */
  worstMarginRatio: Decimal | null
}

export function calculateGmxAccount(positions: GmxPositionMargin[]): GmxAccountMargin {
  const sum = (pick: (m: GmxPositionMargin) => Decimal) => positions.reduce((total, m) => total.plus(pick(m)), ZERO)
  const underwater = positions.some((m) => m.remainingCollateralUsd.lte(0))
  const worstRatio = () => positions.reduce((worst, m) => Decimal.max(worst, m.maintenanceMarginUsd.div(m.remainingCollateralUsd)), ZERO)
  return {
    totalCollateralUsd: sum((m) => m.collateralUsd),
    equityUsd: sum((m) => m.remainingCollateralUsd),
    pendingFeesUsd: sum((m) => m.pendingFeesUsd),
    initialMarginUsd: sum((m) => m.initialMarginUsd),
    maintenanceMarginUsd: sum((m) => m.maintenanceMarginUsd),
    worstMarginRatio: underwater ? null : worstRatio(),
  }
}

export function gmxFigures(account: GmxAccountMargin): VenueMarginFigures {
  return marginFigures('USD', {
    equity: account.equityUsd.toFixed(),
    totalCollateral: account.totalCollateralUsd.toFixed(),
    totalDebt: account.pendingFeesUsd.toFixed(),
    initialMargin: account.initialMarginUsd.toFixed(),
    maintenanceMargin: account.maintenanceMarginUsd.toFixed(),
    marginRatio: account.worstMarginRatio?.toDecimalPlaces(12).toFixed() ?? null,
  })
}
