// Reading a venue message's fields into tick values: decimals as canonical strings, times as Dates, or null when the
// venue left the field out; a field that is there but is not what it should be is an error naming it.
import { parseOptionalDecimal, toDecimalString, type DecimalString } from '../../core/decimal.js'

/** A decimal field as its canonical string (no exponent, no trailing zeros); null when absent or empty. */
export function decimalField(value: unknown, field: string): DecimalString | null {
  const parsed = parseOptionalDecimal(value, field)
  return parsed === null ? null : toDecimalString(parsed)
}

/** A millisecond Unix timestamp as a Date; null when absent or not a positive integer. */
export function millisField(value: unknown): Date | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? new Date(value) : null
}
