// A stored portfolio's rows as Prisma returns them: what the portfolio service reads and the API's models build on.
import type { Account, Balance, Instrument, Position, Snapshot, VenueMargin } from '../generated/prisma/client.js'

export type AccountModel = Account
export type SnapshotModel = Snapshot
export type SnapshotSummaryModel = Pick<Snapshot, 'id' | 'status' | 'asOf' | 'fetchedAt' | 'durationMs' | 'error'>
export type PositionModel = Position & { instrument: Instrument }
export type BalanceModel = Balance
/** A snapshot's margin figures: as the venue reported them, and as our replication of its rule computed them. */
export interface SnapshotMargins {
  reported: VenueMargin | null
  replicated: VenueMargin | null
}
