// The venue's own margin figures beside our replication, with the difference for every field both sides have.
import { parseDecimal, toDecimalString, type DecimalString } from '../core/decimal.js'
import { MARGIN_FIELDS } from '../core/domain.js'
import type { VenueMarginModel } from '../portfolio/rows.js'

export interface MarginDifference {
  field: string
  reported: DecimalString | null
  replicated: DecimalString | null
  difference: DecimalString | null
}

export function marginDifferences(reported: VenueMarginModel, replicated: VenueMarginModel): MarginDifference[] {
  const out: MarginDifference[] = []
  for (const field of MARGIN_FIELDS) {
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
