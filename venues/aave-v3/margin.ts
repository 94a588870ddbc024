// Aave v3's own account rule, replicated exactly in integer math (GenericLogic.calculateUserAccountData and
// calculateAvailableBorrows in aave-v3-core 1.19): collateral and debt in the market's base currency, the
// collateral-weighted LTV and liquidation threshold, and the health factor. Pure: plain data in, plain data out.
import { fromFixedPoint } from '../../core/decimal.js'
import type { VenueMarginFigures } from '../../core/domain.js'

const WAD = 10n ** 18n
const PERCENTAGE_FACTOR = 10_000n
const HALF_PERCENTAGE = 5_000n
const MAX_UINT256 = 2n ** 256n - 1n

export interface AaveReserveState {
  asset: string
  symbol: string
  decimals: number
  /** The reserve's own oracle price in base-currency units (8 decimals on USD markets). */
  priceBase: bigint
  /** aToken balance (scaled balance × liquidity index, as balanceOf returns it). */
  aTokenBalance: bigint
  /** Variable plus stable debt, as the debt tokens' balanceOf return them (the contract adds them before pricing). */
  debtBalance: bigint
  /** The user's own collateral switch for this reserve (UserConfigurationMap). */
  usageAsCollateralEnabled: boolean
  ltvBps: bigint
  liquidationThresholdBps: bigint
  /** E-mode category of the reserve (0 = none). */
  eModeCategory: bigint
}

export interface AaveEModeCategory {
  id: bigint
  ltvBps: bigint
  liquidationThresholdBps: bigint
  /** Price of the category's price source in base units; null or 0 when the category has none. */
  priceBase: bigint | null
}

export interface AaveAccountInput {
  reserves: AaveReserveState[]
  /** Category the user is in and its parameters; null (or id 0) when the user is not in e-mode. */
  userEMode: AaveEModeCategory | null
  /** Base currency decimals: 8 for USD markets. */
  baseCurrencyDecimals: number
}

export interface AaveAccountResult {
  totalCollateralBase: bigint
  totalDebtBase: bigint
  availableBorrowsBase: bigint
  /** Collateral-weighted liquidation threshold in bps, truncated. */
  currentLiquidationThreshold: bigint
  /** Collateral-weighted LTV in bps, truncated; LTV-0 collateral adds value but no weight. */
  ltv: bigint
  /** 18 decimals; 2^256 − 1 when there is no debt, as the contract returns. */
  healthFactor: bigint
  /** The same as a decimal string; null when there is no debt (no liquidation possible). */
  healthFactorDecimal: string | null
  /** The user has enabled collateral whose LTV is 0: Aave then refuses new borrows and most withdrawals. */
  hasZeroLtvCollateral: boolean
}

/** Aave's PercentageMath.percentMul: half-up rounding. */
function percentMul(value: bigint, percentage: bigint): bigint {
  return (value * percentage + HALF_PERCENTAGE) / PERCENTAGE_FACTOR
}

/** Aave's WadRayMath.wadDiv: half-up rounding. */
function wadDiv(a: bigint, b: bigint): bigint {
  return (a * WAD + b / 2n) / b
}

function activeEMode(input: AaveAccountInput): AaveEModeCategory | null {
  return input.userEMode && input.userEMode.id !== 0n ? input.userEMode : null
}

/** The price GenericLogic uses for a reserve: the e-mode price source's when the user's category has one and the reserve is in it. */
export function aaveEffectivePrice(reserve: AaveReserveState, eMode: AaveEModeCategory | null): bigint {
  if (eMode && eMode.priceBase && eMode.priceBase !== 0n && reserve.eModeCategory === eMode.id) return eMode.priceBase
  return reserve.priceBase
}

/**
 * What a reserve counts with as this user's collateral (bps), or null when it does not count: a reserve with LT 0 is
 * not collateral whatever the user's switch says, nor is one the user switched off. A reserve of the user's e-mode
 * category weighs with the category's LTV and threshold; the reserve's own LTV 0 still keeps it out of the LTV.
 */
export function aaveCollateralWeights(r: AaveReserveState, eMode: AaveEModeCategory | null): { ltvBps: bigint; liquidationThresholdBps: bigint } | null {
  if (r.liquidationThresholdBps === 0n || !r.usageAsCollateralEnabled) return null
  const inEMode = eMode !== null && r.eModeCategory === eMode.id
  return {
    ltvBps: r.ltvBps === 0n ? 0n : inEMode ? eMode.ltvBps : r.ltvBps,
    liquidationThresholdBps: inEMode ? eMode.liquidationThresholdBps : r.liquidationThresholdBps,
  }
}

/**
 * Each supplied reserve's LTV and liquidation threshold for this user, as fractions (0 where it is not collateral):
 * the risk engine's lending rule weighs the account's balances with them (api/rule-params.ts).
 */
export function aaveCollateralFactors(input: AaveAccountInput): { asset: string; ltv: string; liquidationThreshold: string }[] {
  const eMode = activeEMode(input)
  return input.reserves
    .filter((r) => r.aTokenBalance > 0n)
    .map((r) => {
      const weights = aaveCollateralWeights(r, eMode)
      return { asset: r.symbol, ltv: fromFixedPoint(weights?.ltvBps ?? 0n, 4), liquidationThreshold: fromFixedPoint(weights?.liquidationThresholdBps ?? 0n, 4) }
    })
}

/** GenericLogic.calculateUserAccountData followed by calculateAvailableBorrows, as Pool.getUserAccountData runs them. */
export function calculateAaveAccount(input: AaveAccountInput): AaveAccountResult {
  let totalCollateral = 0n
  let totalDebt = 0n
  let weightedLtv = 0n
  let weightedThreshold = 0n
  let hasZeroLtvCollateral = false
  const eMode = activeEMode(input)
  for (const r of input.reserves) {
    const unit = 10n ** BigInt(r.decimals)
    const price = aaveEffectivePrice(r, eMode)
    const weights = r.aTokenBalance > 0n ? aaveCollateralWeights(r, eMode) : null
    if (weights) {
      // Integer division per reserve, as _getUserBalanceInBaseCurrency does: sub-unit dust is lost per reserve.
      const balanceBase = (r.aTokenBalance * price) / unit
      totalCollateral += balanceBase
      if (r.ltvBps === 0n) hasZeroLtvCollateral = true
      weightedLtv += balanceBase * weights.ltvBps
      weightedThreshold += balanceBase * weights.liquidationThresholdBps
    }
    if (r.debtBalance > 0n) totalDebt += (r.debtBalance * price) / unit
  }
  const ltv = totalCollateral !== 0n ? weightedLtv / totalCollateral : 0n
  const threshold = totalCollateral !== 0n ? weightedThreshold / totalCollateral : 0n
  const healthFactor = totalDebt === 0n ? MAX_UINT256 : wadDiv(percentMul(totalCollateral, threshold), totalDebt)
  const borrowable = percentMul(totalCollateral, ltv)
  return {
    totalCollateralBase: totalCollateral,
    totalDebtBase: totalDebt,
    availableBorrowsBase: borrowable > totalDebt ? borrowable - totalDebt : 0n,
    currentLiquidationThreshold: threshold,
    ltv,
    healthFactor,
    healthFactorDecimal: healthFactor === MAX_UINT256 ? null : fromFixedPoint(healthFactor, 18),
    hasZeroLtvCollateral,
  }
}

export interface AaveAccountTotals {
  totalCollateralBase: bigint
  totalDebtBase: bigint
  availableBorrowsBase: bigint
  currentLiquidationThreshold: bigint
  ltv: bigint
  healthFactor: bigint
}

/** The figures as the API shows them: base currency amounts, fractions for bps, HF with 18 decimals (null without debt). */
export function aaveFigures(result: AaveAccountTotals, baseCurrencyDecimals: number, currency = 'USD'): VenueMarginFigures {
  const collateral = fromFixedPoint(result.totalCollateralBase, baseCurrencyDecimals)
  const debt = fromFixedPoint(result.totalDebtBase, baseCurrencyDecimals)
  return {
    currency,
    equity: fromFixedPoint(result.totalCollateralBase - result.totalDebtBase, baseCurrencyDecimals),
    totalCollateral: collateral,
    totalDebt: debt,
    initialMargin: null,
    maintenanceMargin: null,
    marginRatio: null,
    // No debt: the contract answers 2^256 − 1, i.e. no liquidation possible; shown as null, not a huge number.
    healthFactor: result.healthFactor === MAX_UINT256 ? null : fromFixedPoint(result.healthFactor, 18),
    liquidationThreshold: fromFixedPoint(result.currentLiquidationThreshold, 4),
    ltv: fromFixedPoint(result.ltv, 4),
    availableBorrows: fromFixedPoint(result.availableBorrowsBase, baseCurrencyDecimals),
    withdrawable: null,
  }
}

/**
 * Price of one collateral asset (others fixed) at which the health factor reaches 1: the asset's weighted
 * threshold share must cover the debt. Null when no price of this asset alone can liquidate the account, and
 * when the asset is priced by an e-mode price source (its own price then does not move the account).
 */
export function aaveLiquidationPrice(input: AaveAccountInput, asset: string): number | null {
  const result = calculateAaveAccount(input)
  if (result.totalDebtBase === 0n) return null
  const target = input.reserves.find((r) => r.asset.toLowerCase() === asset.toLowerCase())
  if (!target || !target.usageAsCollateralEnabled || target.aTokenBalance === 0n || target.liquidationThresholdBps === 0n) return null
  const eMode = activeEMode(input)
  if (aaveEffectivePrice(target, eMode) !== target.priceBase) return null
  // float64 here: a price for display, not a figure compared with the venue's.
  const base = 10 ** input.baseCurrencyDecimals
  const inEMode = eMode !== null && target.eModeCategory === eMode.id
  const lt = Number(inEMode ? eMode.liquidationThresholdBps : target.liquidationThresholdBps) / 1e4
  const amount = Number(target.aTokenBalance) / 10 ** target.decimals
  const debtOwn = Number(target.debtBalance) / 10 ** target.decimals
  const price = Number(target.priceBase) / base
  const otherCollateral = Number(percentMul(result.totalCollateralBase, result.currentLiquidationThreshold)) / base - amount * price * lt
  const otherDebt = Number(result.totalDebtBase) / base - debtOwn * price
  // HF = 1  ⇔  otherCollateral + amount·lt·p = otherDebt + debtOwn·p
  const denominator = amount * lt - debtOwn
  if (denominator <= 0) return null
  const liquidation = (otherDebt - otherCollateral) / denominator
  return liquidation > 0 ? liquidation : null
}

/** Aave's PercentageMath.percentDiv: half-up rounding. */
function percentDiv(value: bigint, percentage: bigint): bigint {
  return (value * PERCENTAGE_FACTOR + percentage / 2n) / percentage
}

/** Below this health factor a liquidator may repay all of a debt, above it half (LiquidationLogic constants). */
export const CLOSE_FACTOR_HF_THRESHOLD = 95n * 10n ** 16n
const DEFAULT_LIQUIDATION_CLOSE_FACTOR = 5_000n
const MAX_LIQUIDATION_CLOSE_FACTOR = 10_000n

export interface AaveLiquidationInput {
  /** The account's health factor, 18 decimals (as calculateAaveAccount gives it). */
  healthFactor: bigint
  collateral: {
    /** Price the liquidation uses: the e-mode price source's when the user's category has one and covers it. */
    priceBase: bigint
    decimals: number
    /** The user's aToken balance of it. */
    balance: bigint
    /** 10000 + bonus (the e-mode category's when the collateral is in the user's category). */
    liquidationBonusBps: bigint
    liquidationProtocolFeeBps: bigint
  }
  debt: { priceBase: bigint; decimals: number; totalDebt: bigint }
  /** What the liquidator offers to repay; null = as much as the close factor allows. */
  debtToCover: bigint | null
  /**
   * The pool's liquidation rules: 'v3.0' (the close factor per debt reserve), or 'v3.3' (from Aave v3.3 on: the
   * close factor on the whole position, 100 % for a pair under MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD, no dust left).
   * Default 'v3.0'.
   */
  rules?: 'v3.0' | 'v3.3'
  /** v3.3 rules: the account's whole debt in the base currency (getUserAccountData's totalDebtBase). */
  totalDebtBase?: bigint
}

export interface AaveLiquidationResult {
  liquidatable: boolean
  closeFactorBps: bigint
  maxLiquidatableDebt: bigint
  /** Debt repaid (less than offered when the collateral runs out). */
  debtCovered: bigint
  /** Collateral the liquidator receives. */
  collateralToLiquidator: bigint
  /** Collateral the protocol keeps: its share of the bonus. */
  protocolFee: bigint
  /**
   * v3.3 rules: the liquidation would leave less than MIN_LEFTOVER_BASE of this debt or collateral without clearing
   * either, so the pool refuses it (MUST_NOT_LEAVE_DUST); a liquidator must take less, or all. Always false on v3.0.
   */
  leavesDust: boolean
}

/** Aave v3.3 LiquidationLogic: pairs whose collateral or debt is worth less (base currency, 8 decimals) close at 100 %. */
export const MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD = 2000n * 10n ** 8n
/** What a partial liquidation must leave of the debt and of the collateral, in the base currency (v3.3). */
export const MIN_LEFTOVER_BASE = MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD / 2n

/**
 * The most of this debt reserve one liquidation may repay. v3.0 (aave-v3-core 1.19): close factor × the reserve's
 * debt, 50 % above HF 0.95 and 100 % at or below. v3.3 (aave-v3-origin LiquidationLogic): the whole reserve's debt,
 * unless the pair's collateral and debt are both worth MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD or more and HF is above
 * 0.95: then at most 50 % of the account's whole debt (in base, converted back at the debt's price).
 */
function maxLiquidatable(input: AaveLiquidationInput, collateralUnit: bigint, debtUnit: bigint): { closeFactorBps: bigint; maxLiquidatableDebt: bigint } {
  const { collateral, debt } = input
  const aboveThreshold = input.healthFactor > CLOSE_FACTOR_HF_THRESHOLD
  if ((input.rules ?? 'v3.0') === 'v3.0') {
    const closeFactorBps = aboveThreshold ? DEFAULT_LIQUIDATION_CLOSE_FACTOR : MAX_LIQUIDATION_CLOSE_FACTOR
    return { closeFactorBps, maxLiquidatableDebt: percentMul(debt.totalDebt, closeFactorBps) }
  }
  if (input.totalDebtBase === undefined) throw new RangeError('v3.3 liquidation rules need the account’s totalDebtBase')
  const reserveDebtBase = (debt.totalDebt * debt.priceBase) / debtUnit
  const reserveCollateralBase = (collateral.balance * collateral.priceBase) / collateralUnit
  if (reserveCollateralBase >= MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD && reserveDebtBase >= MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD && aboveThreshold) {
    const halfOfAllDebtBase = percentMul(input.totalDebtBase, DEFAULT_LIQUIDATION_CLOSE_FACTOR)
    if (reserveDebtBase > halfOfAllDebtBase) return { closeFactorBps: DEFAULT_LIQUIDATION_CLOSE_FACTOR, maxLiquidatableDebt: (halfOfAllDebtBase * debtUnit) / debt.priceBase }
  }
  return { closeFactorBps: MAX_LIQUIDATION_CLOSE_FACTOR, maxLiquidatableDebt: debt.totalDebt }
}

/**
 * One liquidationCall, as LiquidationLogic.executeLiquidationCall computes it (v3.0: aave-v3-core 1.19; v3.3+:
 * aave-v3-origin): the most it may repay, the debt actually repaid, and the collateral it buys at the bonus, less the
 * protocol's share of that bonus (_calculateAvailableCollateralToLiquidate, the same in both), in the contract's
 * integer arithmetic and rounding; on v3.3 rules also whether it would leave dust (and so be refused).
 */
export function simulateAaveLiquidation(input: AaveLiquidationInput): AaveLiquidationResult {
  const { collateral, debt } = input
  const liquidatable = input.healthFactor < 10n ** 18n
  const collateralUnit = 10n ** BigInt(collateral.decimals)
  const debtUnit = 10n ** BigInt(debt.decimals)
  const { closeFactorBps, maxLiquidatableDebt } = maxLiquidatable(input, collateralUnit, debtUnit)
  const offered = input.debtToCover === null || input.debtToCover > maxLiquidatableDebt ? maxLiquidatableDebt : input.debtToCover
  const baseCollateral = (debt.priceBase * offered * collateralUnit) / (collateral.priceBase * debtUnit)
  const maxCollateral = percentMul(baseCollateral, collateral.liquidationBonusBps)
  let collateralAmount: bigint
  let debtCovered: bigint
  if (maxCollateral > collateral.balance) {
    // Not enough collateral for the offer: all of it goes, for the debt it is worth at the bonus.
    collateralAmount = collateral.balance
    debtCovered = percentDiv((collateral.priceBase * collateralAmount * debtUnit) / (debt.priceBase * collateralUnit), collateral.liquidationBonusBps)
  } else {
    collateralAmount = maxCollateral
    debtCovered = offered
  }
  let protocolFee = 0n
  if (collateral.liquidationProtocolFeeBps !== 0n) {
    const bonusCollateral = collateralAmount - percentDiv(collateralAmount, collateral.liquidationBonusBps)
    protocolFee = percentMul(bonusCollateral, collateral.liquidationProtocolFeeBps)
  }
  // v3.3: clear the debt or the collateral, or leave at least MIN_LEFTOVER_BASE of both.
  let leavesDust = false
  if (input.rules === 'v3.3' && debtCovered < debt.totalDebt && collateralAmount < collateral.balance) {
    const debtLeft = ((debt.totalDebt - debtCovered) * debt.priceBase) / debtUnit
    // As the contract counts it: the balance less what the liquidator receives (the protocol's fee not taken off).
    const collateralLeft = ((collateral.balance - (collateralAmount - protocolFee)) * collateral.priceBase) / collateralUnit
    leavesDust = debtLeft < MIN_LEFTOVER_BASE || collateralLeft < MIN_LEFTOVER_BASE
  }
  return { liquidatable, closeFactorBps, maxLiquidatableDebt, debtCovered, collateralToLiquidator: collateralAmount - protocolFee, protocolFee, leavesDust }
}
