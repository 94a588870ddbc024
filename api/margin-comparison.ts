// The venue's own margin figures beside our replication, with the difference for every field both sides have.
import { parseDecimal, toDecimalString, type DecimalString } from '../core/decimal.js'
import type { VenueMarginModel } from '../portfolio/rows.js'

export const COMPARED_FIELDS = [
  'equity', 'totalCollateral', 'totalDebt', 'initialMargin', 'maintenanceMargin', 'marginRatio',
  'healthFactor', 'liquidationThreshold', 'ltv', 'availableBorrows', 'withdrawable',
] as const

export interface MarginDifference {
  field: string
  reported: DecimalString | null
  replicated: DecimalString | null
  difference: DecimalString | null
}

export function marginDifferences(reported: VenueMarginModel, replicated: VenueMarginModel): MarginDifference[] {
  const out: MarginDifference[] = []
  for (const field of COMPARED_FIELDS) {
    const a = reported[field]
    const b = replicated[field]
    if (a === null && b === null) continue
    out.push({
      field,
      reported: a,
      replicated: b,
      difference: a === null || b === null ? null : toDecimalString(parseDecimal(b, field).minus(a)),
    })
  }
  return out
}
