// GMX's fixed-point numbers as exact decimals: USD amounts carry 30 decimals, token amounts their token's decimals,
// and a price is USD (30 decimals) per smallest token unit, so a whole token costs price / 10^(30 − decimals).
import { Decimal, fromFixedPoint } from '../../core/decimal.js'

export const USD_DECIMALS = 30

/** `value / 10^decimals` exactly (core's fromFixedPoint), as a Decimal for the margin arithmetic. */
export function fixed(value: bigint, decimals: number): Decimal {
  return new Decimal(fromFixedPoint(value, decimals))
}

export function usd(value: bigint): Decimal {
  return fixed(value, USD_DECIMALS)
}

/** USD per whole token from a GMX price (per smallest unit × 10^30). */
export function tokenPrice(value: bigint, tokenDecimals: number): Decimal {
  return fixed(value, USD_DECIMALS - tokenDecimals)
}

/** Precision.applyFactor: value × factor / 10^30, rounded down as the contracts do. */
export function applyFactor(value: bigint, factor: bigint): bigint {
  return (value * factor) / 10n ** BigInt(USD_DECIMALS)
}
