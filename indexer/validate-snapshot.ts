// The gate between a connector and the database: a snapshot that is incomplete or malformed is refused whole,
// so a partial answer never replaces the account's last good state.
import { MARGIN_FIELDS, type VenueSnapshot } from '../core/domain.js'
import { parseDecimal, parseOptionalDecimal } from '../core/decimal.js'
import { VenueRejected, InvalidInput } from '../core/errors.js'

const INSTRUMENT_KINDS = new Set(['spot', 'perpetual', 'future', 'option', 'lending'])
const BALANCE_KINDS = new Set(['collateral', 'debt', 'wallet'])

/** Throws VenueRejected naming the first field that is wrong. */
export function validateSnapshot(venue: string, snapshot: VenueSnapshot): void {
  try {
    if (!(snapshot.asOf instanceof Date) || Number.isNaN(snapshot.asOf.getTime())) throw new InvalidInput('asOf', 'is not a valid time')
    if (!Array.isArray(snapshot.positions)) throw new InvalidInput('positions', 'is missing')
    if (!Array.isArray(snapshot.balances)) throw new InvalidInput('balances', 'is missing')
    snapshot.positions.forEach((position, i) => {
      const at = `positions[${i}]`
      if (!position.instrument?.venueSymbol) throw new InvalidInput(`${at}.instrument.venueSymbol`, 'is missing')
      if (!INSTRUMENT_KINDS.has(position.instrument.kind)) throw new InvalidInput(`${at}.instrument.kind`, `unknown kind ${position.instrument.kind}`)
      parseDecimal(position.size, `${at}.size`)
      for (const field of ['entryPrice', 'markPrice', 'liquidationPrice', 'notional', 'unrealizedPnl', 'leverage', 'venueInitialMargin', 'venueMaintenanceMargin'] as const) {
        parseOptionalDecimal(position[field], `${at}.${field}`)
      }
    })
    snapshot.balances.forEach((balance, i) => {
      const at = `balances[${i}]`
      if (!balance.asset) throw new InvalidInput(`${at}.asset`, 'is missing')
      if (!BALANCE_KINDS.has(balance.kind)) throw new InvalidInput(`${at}.kind`, `unknown kind ${balance.kind}`)
      if (parseDecimal(balance.amount, `${at}.amount`).isNegative()) throw new InvalidInput(`${at}.amount`, 'is negative; debts are kind "debt" with a positive amount')
      parseOptionalDecimal(balance.valueUsd, `${at}.valueUsd`)
      parseOptionalDecimal(balance.priceUsd, `${at}.priceUsd`)
    })
    for (const side of ['reported', 'replicated'] as const) {
      const figures = snapshot.margin?.[side]
      if (!figures?.currency) throw new InvalidInput(`margin.${side}.currency`, 'is missing')
      for (const field of MARGIN_FIELDS) parseOptionalDecimal(figures[field], `margin.${side}.${field}`)
    }
  } catch (error) {
    if (error instanceof InvalidInput) throw new VenueRejected(`${venue} returned an unusable snapshot: ${error.message}`, { cause: error })
    throw error
  }
}
