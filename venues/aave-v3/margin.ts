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
  /** Oracle price in base-currency units (8 decimals for USD markets), or the e-mode price source's price. */
  priceBase: bigint
  /** aToken balance (scaled balance × liquidity index, as balanceOf returns it). */
  suppliedBalance: bigint
  variableDebt: bigint
  stableDebt: bigint
  usageAsCollateralEnabled: boolean
  ltvBps: bigint
  liquidationThresholdBps: bigint
  eModeCategory: bigint
}

export interface AaveEModeCategory {
  id: bigint
  ltvBps: bigint
  liquidationThresholdBps: bigint
}

export interface AaveAccountInput {
  reserves: AaveReserveState[]
  /** Category the user is in (0 = none) and its parameters. */
  userEMode: AaveEModeCategory | null
  /** Base currency decimals: 8 for USD markets. */
  baseCurrencyDecimals: number
}

export interface AaveAccountResult {
  totalCollateralBase: bigint
  totalDebtBase: bigint
  availableBorrowsBase: bigint
  currentLiquidationThreshold: bigint
  ltv: bigint
  /** 18 decimals; 2^256 − 1 when there is no debt, as the contract returns. */
  healthFactor: bigint
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

export function calculateAaveAccount(input: AaveAccountInput): AaveAccountResult {
  let totalCollateral = 0n
  let totalDebt = 0n
  let weightedLtv = 0n
  let weightedThreshold = 0n
  let hasZeroLtvCollateral = false
  const eMode = input.userEMode && input.userEMode.id !== 0n ? input.userEMode : null
  for (const r of input.reserves) {
    const unit = 10n ** BigInt(r.decimals)
    const inEMode = eMode !== null && r.eModeCategory === eMode.id
    if (r.liquidationThresholdBps !== 0n && r.usageAsCollateralEnabled && r.suppliedBalance > 0n) {
      const balanceBase = (r.suppliedBalance * r.priceBase) / unit
      totalCollateral += balanceBase
      const ltv = inEMode ? eMode.ltvBps : r.ltvBps
      if (ltv !== 0n) weightedLtv += balanceBase * ltv
      else hasZeroLtvCollateral = true
      weightedThreshold += balanceBase * (inEMode ? eMode.liquidationThresholdBps : r.liquidationThresholdBps)
    }
    const debt = r.variableDebt + r.stableDebt
    if (debt > 0n) totalDebt += (debt * r.priceBase) / unit
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
    hasZeroLtvCollateral,
  }
}

/** The figures as the API shows them: base currency amounts, fractions for bps, HF with 18 decimals (null without debt). */
export function aaveFigures(result: Omit<AaveAccountResult, 'hasZeroLtvCollateral'>, baseCurrencyDecimals: number, currency = 'USD'): VenueMarginFigures {
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
 * threshold share must cover the debt. Null when no price of this asset alone can liquidate the account.
 */
export function aaveLiquidationPrice(input: AaveAccountInput, asset: string): number | null {
  const result = calculateAaveAccount(input)
  if (result.totalDebtBase === 0n) return null
  const target = input.reserves.find((r) => r.asset.toLowerCase() === asset.toLowerCase())
  if (!target || !target.usageAsCollateralEnabled || target.suppliedBalance === 0n) return null
  // float64 here: a price for display, not a figure compared with the venue's.
  const base = 10 ** input.baseCurrencyDecimals
  const eMode = input.userEMode && input.userEMode.id !== 0n && target.eModeCategory === input.userEMode.id ? input.userEMode : null
  const lt = Number(eMode ? eMode.liquidationThresholdBps : target.liquidationThresholdBps) / 1e4
  const amount = Number(target.suppliedBalance) / 10 ** target.decimals
  const debtOwn = (Number(target.variableDebt + target.stableDebt) / 10 ** target.decimals)
  const otherCollateral = (Number(percentMul(result.totalCollateralBase, result.currentLiquidationThreshold)) - (amount * Number(target.priceBase) * lt)) / base
  const otherDebt = Number(result.totalDebtBase) / base - (debtOwn * Number(target.priceBase)) / base
  // HF = 1  ⇔  otherCollateral + amount·lt·p = otherDebt + debtOwn·p
  const denominator = amount * lt - debtOwn
  if (denominator <= 0) return null
  const price = (otherDebt - otherCollateral) / denominator
  return price > 0 ? price : null
}
