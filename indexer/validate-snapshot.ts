// The gate between a connector and the database: a snapshot that is incomplete or malformed is refused whole,
// so a partial answer never replaces the account's last good state.
import { MARGIN_FIELDS, type VenueSnapshot } from '../core/domain.js'
import { checkDecimalText } from '../core/decimal.js'
import { InvalidInput } from '../core/errors.js'
import { venueFault } from '../venues/venue-faults.js'

const INSTRUMENT_KINDS = new Set(['spot', 'perpetual', 'future', 'option', 'lending'])
const BALANCE_KINDS = new Set(['collateral', 'debt', 'wallet'])

/** A figure the venue may not report: null, or decimal text (checked as text: it is stored as the connector wrote it). */
function checkOptional(value: string | null | undefined, field: string): void {
  if (value !== null && value !== undefined) checkDecimalText(value, field)
}

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
      checkDecimalText(position.size, `${at}.size`)
      for (const field of ['entryPrice', 'markPrice', 'liquidationPrice', 'notional', 'unrealizedPnl', 'leverage', 'venueInitialMargin', 'venueMaintenanceMargin'] as const) {
        checkOptional(position[field], `${at}.${field}`)
      }
    })
    snapshot.balances.forEach((balance, i) => {
      const at = `balances[${i}]`
      if (!balance.asset) throw new InvalidInput(`${at}.asset`, 'is missing')
      if (!BALANCE_KINDS.has(balance.kind)) throw new InvalidInput(`${at}.kind`, `unknown kind ${balance.kind}`)
      if (checkDecimalText(balance.amount, `${at}.amount`).startsWith('-')) throw new InvalidInput(`${at}.amount`, 'is negative; debts are kind "debt" with a positive amount')
      checkOptional(balance.valueUsd, `${at}.valueUsd`)
      checkOptional(balance.priceUsd, `${at}.priceUsd`)
    })
    for (const side of ['reported', 'replicated'] as const) {
      const figures = snapshot.margin?.[side]
      if (!figures?.currency) throw new InvalidInput(`margin.${side}.currency`, 'is missing')
      for (const field of MARGIN_FIELDS) checkOptional(figures[field], `margin.${side}.${field}`)
    }
  } catch (error) {
    throw venueFault(venue, error, 'snapshot')
  }
}
