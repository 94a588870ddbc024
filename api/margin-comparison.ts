// The venue's own margin figures beside our replication, with the difference for every field both sides have.
import type { VenueMargin } from '../generated/prisma/client.js'
import { Decimal } from '../core/decimal.js'
import { MARGIN_FIELDS } from '../core/domain.js'

export interface MarginDifference {
  field: string
  reported: string | null
  replicated: string | null
  difference: string | null
}

export function marginDifferences(reported: VenueMargin, replicated: VenueMargin): MarginDifference[] {
  const out: MarginDifference[] = []
  for (const field of MARGIN_FIELDS) {
    const a = reported[field]
    const b = replicated[field]
    if (a === null && b === null) continue
    out.push({
      field,
      reported: a === null ? null : a.toFixed(),
      replicated: b === null ? null : b.toFixed(),
      difference: a === null || b === null ? null : new Decimal(b.toFixed()).minus(a.toFixed()).toFixed(),
    })
  }
  return out
}
