// Exact decimal arithmetic for amounts that are stored or compared with a venue's own figure, and the one text form
// amounts are stored and served in (`DecimalString`): made from a Decimal by toDecimalString, read back into one by
// parseDecimal. float64 is the risk engine's alone, entered in portfolio/risk-input.ts and left in portfolio/report.ts.
import { Decimal } from 'decimal.js'
import { InvalidInput, Internal } from './errors.js'

export { Decimal }

declare const decimalString: unique symbol

/**
 * A finite base-10 number as text with no exponent, e.g. "1234.5678": how amounts leave storage and reach the API.
 * Branded, so nothing becomes one but through toDecimalString (or the GraphQL scalar's check of a caller's input).
 */
export type DecimalString = string & { readonly [decimalString]: true }

/**
 * Decimal text as a connector writes it into the normalised model (a formatted Decimal, or the venue's own figure):
 * checked by the indexer before it is stored, and read back from storage as DecimalString.
 */
export type DecimalText = string

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

/** Checks, without converting it, that a connector's decimal text is a finite decimal; throws InvalidInput naming `field`. */
export function checkDecimalText(value: unknown, field: string): DecimalText {
  if (typeof value === 'string' && DECIMAL_PATTERN.test(value)) return value
  throw new InvalidInput(field, `expected decimal text, got ${JSON.stringify(value)}`)
}

/** A decimal as decimal.js and Prisma's Decimal both are: what toDecimalString formats. */
export interface DecimalLike {
  isFinite(): boolean
  toFixed(decimalPlaces?: number): string
}

/**
 * The one way to a DecimalString: the canonical text of a decimal (no exponent; no trailing zeros, or exactly
 * `decimalPlaces` of them). A NaN or infinite Decimal has no such text: a defect, refused.
 */
export function toDecimalString(value: DecimalLike | bigint, decimalPlaces?: number): DecimalString {
  if (typeof value === 'bigint') return value.toString() as DecimalString
  if (!value.isFinite()) throw new Internal(`${value.toFixed()} has no decimal text`)
  return (decimalPlaces === undefined ? value.toFixed() : value.toFixed(decimalPlaces)) as DecimalString
}

/**
 * A bigint holding `decimals` implied decimal places (wei, ray, 8-decimal oracle prices, GMX's 30-decimal USD) as
 * an exact decimal string in canonical form. The digits are placed, not divided: decimal.js rounds a division to 20
 * significant digits, and a uint256 with 18 decimals has up to 78.
 */
export function fromFixedPoint(value: bigint, decimals: number): DecimalText {
  if (!Number.isInteger(decimals) || decimals < 0) throw new InvalidInput('decimals', `must be a whole number ≥ 0, got ${decimals}`)
  const negative = value < 0n
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '')
  const text = fraction ? `${whole}.${fraction}` : whole
  return negative ? `-${text}` : text
}
