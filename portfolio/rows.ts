// A stored portfolio's rows as the portfolio service reads them and the API's models build on: Prisma's rows with
// every decimal column turned into a DecimalString once, here at the storage edge.
import { Prisma, type Account, type Balance, type Instrument, type Position, type Snapshot, type VenueMargin } from '../generated/prisma/client.js'
import { toDecimalString, type DecimalString } from '../core/decimal.js'

/** A row with its decimal columns as DecimalStrings (nullable ones stay nullable). */
export type Stored<Row> = { [K in keyof Row]: Row[K] extends Prisma.Decimal ? DecimalString : Row[K] extends Prisma.Decimal | null ? DecimalString | null : Row[K] }

/** Prisma's row with each decimal column formatted once; every other column as it is. */
export function fromStored<Row extends object>(row: Row): Stored<Row> {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Prisma.Decimal ? toDecimalString(value) : value])) as Stored<Row>
}

export type AccountModel = Account
export type SnapshotModel = Snapshot
export type SnapshotSummaryModel = Pick<Snapshot, 'id' | 'status' | 'asOf' | 'fetchedAt' | 'durationMs' | 'error'>
export type PositionModel = Stored<Position> & { instrument: Stored<Instrument> }
export type BalanceModel = Stored<Balance>
export type VenueMarginModel = Stored<VenueMargin>
/** A snapshot's margin figures: as the venue reported them, and as our replication of its rule computed them. */
export interface SnapshotMargins {
  reported: VenueMarginModel | null
  replicated: VenueMarginModel | null
}
