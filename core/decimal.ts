// Exact decimal arithmetic for amounts that are stored or compared with a venue's own figure.
// Amounts travel as strings (`DecimalString`) between layers; decimal.js does the arithmetic.
import { Decimal } from 'decimal.js'
import { InvalidInput } from './errors.js'

export { Decimal }

/** A base-10 number written as a string, e.g. "1234.5678"; never a float that lost digits. */
export type DecimalString = string

const DECIMAL_PATTERN = /^-?(\d+)(\.\d+)?([eE][-+]?\d+)?$/

/** Parses a venue's or user's number; throws InvalidInput naming `field` when it is not a finite decimal. */
export function parseDecimal(value: unknown, field: string): Decimal {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidInput(field, `expected a finite number, got ${value}`)
    return new Decimal(value)
  }
  if (typeof value === 'bigint') return new Decimal(value.toString())
  if (typeof value === 'string' && DECIMAL_PATTERN.test(value.trim())) return new Decimal(value.trim())
  if (value instanceof Decimal) return value
  throw new InvalidInput(field, `expected a decimal number, got ${JSON.stringify(value)}`)
}

/** Like parseDecimal, but a missing value (undefined, null, empty string) is null rather than an error. */
export function parseOptionalDecimal(value: unknown, field: string): Decimal | null {
  if (value === undefined || value === null || value === '') return null
  return parseDecimal(value, field)
}

/** Canonical string form: no exponent, no trailing zeros after the point. */
export function toDecimalString(value: Decimal | string | number | bigint): DecimalString {
  const d = value instanceof Decimal ? value : new Decimal(value.toString())
  return d.toFixed()
}

/**
 * A bigint holding `decimals` implied decimal places (wei, ray, 8-decimal oracle prices, GMX's 30-decimal USD) as
 * an exact decimal string in canonical form. The digits are placed, not divided: decimal.js rounds a division to 20
 * significant digits, and a uint256 with 18 decimals has up to 78.
 */
export function fromFixedPoint(value: bigint, decimals: number): DecimalString {
  if (!Number.isInteger(decimals) || decimals < 0) throw new InvalidInput('decimals', `must be a whole number ≥ 0, got ${decimals}`)
  const negative = value < 0n
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '')
  const text = fraction ? `${whole}.${fraction}` : whole
  return negative ? `-${text}` : text
}
