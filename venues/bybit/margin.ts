// Bybit's regular-margin position rule (unified trading account), replicated in exact decimals from the position's
// risk-limit tier:
//   IM = position value × initial rate + fee to close, the initial rate being 1 / leverage (never below the tier's
//        own initial rate, since a tier caps the leverage);
//   MM = position value × the tier's maintenance rate − its maintenance deduction + fee to close;
//   fee to close = quantity at the bankruptcy price × the taker fee.
// Linear contracts are valued in the settle coin (quantity × entry), inverse ones in coin (USD quantity / entry).
// Account IM (MM) rate = total IM (MM) / margin balance, which Bybit states cut to 4 decimals.
// Sources: https://www.bybit.com/en/help-center/article/Initial-Margin-USDT-Contract ·
// https://www.bybit.com/en/help-center/article/Maintenance-Margin-USDT-Contract ·
// https://www.bybit.com/en/help-center/article/Risk-Limit-Perpetual-and-Futures ·
// https://www.bybit.com/en/announcement-info/margin-parameters/ (MM = PV × MMR − deduction; deduction of tier n =
// risk limit of tier n−1 × (MMR n − MMR n−1) + deduction of tier n−1) ·
// https://www.bybit.com/en/help-center/article/Glossary-Unified-Trading-Account (account IM/MM rate).
import { Decimal, parseDecimal } from '../../core/decimal.js'

export type BybitContract = 'linear' | 'inverse'

/** One risk-limit tier as `GET /v5/market/risk-limit` gives it, rates as fractions. */
export interface BybitRiskTier {
  id: number
  symbol: string
  /** Upper bound of position value for this tier (settle coin for linear, coin for inverse). */
  riskLimitValue: Decimal
  maintenanceRate: Decimal
  initialRate: Decimal
  maxLeverage: Decimal
  /** Bybit's published deduction; null when it leaves the field empty (its lowest tiers). */
  mmDeduction: Decimal | null
}

export interface RawRiskTier {
  id: number
  symbol: string
  riskLimitValue: string
  maintenanceMargin: string | number
  initialMargin: string | number
  maxLeverage: string
  mmDeduction?: string
}

/**
 * Reads a tier. Bybit's API gives rates as fractions ("0.005"), but its docs page shows them in percent ("0.5",
 * "1" beside a max leverage of 100): the tier's own max leverage says which, since its initial rate is 1/maxLeverage.
 */
export function readRiskTier(raw: RawRiskTier): { tier: BybitRiskTier; ratesInPercent: boolean } {
  const parse = parseDecimal
  const at = `riskLimit.${raw.symbol}[${raw.id}]`
  let maintenanceRate = parse(raw.maintenanceMargin, `${at}.maintenanceMargin`)
  let initialRate = parse(raw.initialMargin, `${at}.initialMargin`)
  const maxLeverage = parse(raw.maxLeverage, `${at}.maxLeverage`)
  // In percent, initial rate × max leverage is 100 rather than 1; anything above 1.5 cannot be a fraction.
  const ratesInPercent = maxLeverage.gt(0) && initialRate.mul(maxLeverage).gt(1.5)
  if (ratesInPercent) {
    maintenanceRate = maintenanceRate.div(100)
    initialRate = initialRate.div(100)
  }
  const deduction = raw.mmDeduction === undefined || raw.mmDeduction === '' ? null : parse(raw.mmDeduction, `${at}.mmDeduction`)
  return { tier: { id: raw.id, symbol: raw.symbol, riskLimitValue: parse(raw.riskLimitValue, `${at}.riskLimitValue`), maintenanceRate, initialRate, maxLeverage, mmDeduction: deduction }, ratesInPercent }
}

/**
 * The maintenance deduction of `tierId` from the whole table, as Bybit's margin-parameters page defines it, for
 * tables that leave `mmDeduction` empty. It makes PV × MMR − deduction equal the tier-by-tier sum.
 */
export function bybitMaintenanceDeduction(tiers: BybitRiskTier[], tierId: number): Decimal | null {
  const sorted = [...tiers].sort((a, b) => a.riskLimitValue.cmp(b.riskLimitValue))
  let deduction = new Decimal(0)
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0) deduction = deduction.plus(sorted[i - 1]!.riskLimitValue.mul(sorted[i]!.maintenanceRate.minus(sorted[i - 1]!.maintenanceRate)))
    if (sorted[i]!.id === tierId) return deduction
  }
  return null
}

export interface BybitPositionInput {
  contract: BybitContract
  /** Signed quantity: base coin for linear, USD contracts for inverse (negative = short). */
  size: Decimal
  avgPrice: Decimal
  leverage: Decimal
  /** Bybit's bankruptcy price when it reports one, else derived from entry and leverage. */
  bustPrice: Decimal | null
  tier: BybitRiskTier
  /** The tier's deduction: Bybit's published one, or the one derived from the table. */
  mmDeduction: Decimal
  takerFeeRate: Decimal
}

export interface BybitPositionMargin {
  positionValue: Decimal
  bankruptcyPrice: Decimal
  feeToClose: Decimal
  initialRate: Decimal
  initialMargin: Decimal
  maintenanceMargin: Decimal
}

/** Bankruptcy price: where the position's initial margin is gone (Bybit, "What is Bankruptcy Price?"). */
export function bybitBankruptcyPrice(contract: BybitContract, long: boolean, entry: Decimal, leverage: Decimal): Decimal {
  const one = new Decimal(1)
  if (contract === 'linear') return entry.mul(long ? one.minus(one.div(leverage)) : one.plus(one.div(leverage)))
  // Inverse: value in coin is Q / price, so the price moves by L / (L ± 1) to lose 1/L of it.
  return entry.mul(leverage).div(long ? leverage.plus(1) : leverage.minus(1))
}

export function bybitPositionMargin(p: BybitPositionInput): BybitPositionMargin {
  const quantity = p.size.abs()
  const long = !p.size.isNegative()
  const positionValue = p.contract === 'linear' ? quantity.mul(p.avgPrice) : quantity.div(p.avgPrice)
  const reportedBust = p.bustPrice && p.bustPrice.gt(0) ? p.bustPrice : null
  const bankruptcyPrice = reportedBust ?? bybitBankruptcyPrice(p.contract, long, p.avgPrice, p.leverage)
  const closingValue = p.contract === 'linear' ? quantity.mul(bankruptcyPrice) : quantity.div(bankruptcyPrice)
  const feeToClose = closingValue.mul(p.takerFeeRate)
  const initialRate = Decimal.max(new Decimal(1).div(p.leverage), p.tier.initialRate)
  const maintenance = Decimal.max(positionValue.mul(p.tier.maintenanceRate).minus(p.mmDeduction), 0)
  return {
    positionValue,
    bankruptcyPrice,
    feeToClose,
    initialRate,
    initialMargin: positionValue.mul(initialRate).plus(feeToClose),
    maintenanceMargin: maintenance.plus(feeToClose),
  }
}

/** Total IM (or MM) over margin balance, cut (not rounded) to Bybit's 4 decimals; null without a margin balance. */
export function bybitAccountRate(total: Decimal, marginBalance: Decimal): Decimal | null {
  return marginBalance.gt(0) ? total.div(marginBalance).toDecimalPlaces(4, Decimal.ROUND_DOWN) : null
}
