// Writes one fetch of one account: a good snapshot with all its rows in one transaction, or a failed snapshot
// that records the error and leaves the last good one as the account's current state.
import type { PrismaClient } from '../generated/prisma/client.js'
import type { Prisma } from '../generated/prisma/client.js'
import { MARGIN_FIELDS, type MarginField, type VenueMarginFigures, type VenueSnapshot } from '../core/domain.js'
import type { CrossmarginError } from '../core/errors.js'

type Tx = Prisma.TransactionClient

/** JSON-safe copy of a venue payload: bigints become strings, Dates ISO strings. */
export function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value ?? null, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as Prisma.InputJsonValue
}

/** The figures' columns only: a connector's object may carry more than the row has. */
function marginRow(figures: VenueMarginFigures) {
  const row: Pick<VenueMarginFigures, 'currency'> & Partial<Pick<VenueMarginFigures, MarginField>> = { currency: figures.currency }
  for (const field of MARGIN_FIELDS) row[field] = figures[field]
  return row
}

async function upsertInstruments(tx: Tx, venue: string, snapshot: VenueSnapshot): Promise<Map<string, string>> {
  const ids = new Map<string, string>()
  for (const position of snapshot.positions) {
    const i = position.instrument
    if (ids.has(i.venueSymbol)) continue
    const data = {
      kind: i.kind,
      underlying: i.underlying,
      quote: i.quote,
      settlement: i.settlement,
      inverse: i.inverse,
      contractSize: i.contractSize,
      expiry: i.expiry,
      strike: i.strike,
      optionType: i.optionType,
    }
    const row = await tx.instrument.upsert({
      where: { venue_venueSymbol: { venue, venueSymbol: i.venueSymbol } },
      create: { venue, venueSymbol: i.venueSymbol, ...data },
      update: data,
      select: { id: true },
    })
    ids.set(i.venueSymbol, row.id)
  }
  return ids
}

export async function writeSnapshot(
  prisma: PrismaClient,
  account: { id: string; venue: string },
  snapshot: VenueSnapshot,
  durationMs: number,
): Promise<string> {
  return prisma.$transaction(async (tx) => {
    const instrumentIds = await upsertInstruments(tx, account.venue, snapshot)
    const created = await tx.snapshot.create({
      data: {
        accountId: account.id,
        status: 'ok',
        asOf: snapshot.asOf,
        blockNumber: snapshot.blockNumber,
        durationMs: Math.round(durationMs),
        raw: toJson(snapshot.raw),
        positions: {
          create: snapshot.positions.map((p) => ({
            instrumentId: instrumentIds.get(p.instrument.venueSymbol)!,
            size: p.size,
            entryPrice: p.entryPrice,
            markPrice: p.markPrice,
            liquidationPrice: p.liquidationPrice,
            notional: p.notional,
            unrealizedPnl: p.unrealizedPnl,
            leverage: p.leverage,
            marginMode: p.marginMode,
            venueInitialMargin: p.venueInitialMargin,
            venueMaintenanceMargin: p.venueMaintenanceMargin,
            flags: p.flags,
            raw: toJson(p.raw),
          })),
        },
        balances: {
          create: snapshot.balances.map((b) => ({
            asset: b.asset,
            canonicalAsset: b.canonicalAsset,
            kind: b.kind,
            amount: b.amount,
            valueUsd: b.valueUsd,
            priceUsd: b.priceUsd,
            usableAsCollateral: b.usableAsCollateral,
            flags: b.flags,
            raw: toJson(b.raw),
          })),
        },
        margins: {
          create: [
            { source: 'venue', ...marginRow(snapshot.margin.reported), details: toJson(null) },
            { source: 'replicated', ...marginRow(snapshot.margin.replicated), details: toJson(snapshot.margin.details) },
          ],
        },
      },
      select: { id: true },
    })
    if (snapshot.impliedVols?.length) {
      // One row per source, strike, expiry and time: a refetch of the same marks stores nothing twice.
      await tx.impliedVol.createMany({
        data: snapshot.impliedVols.map((v) => ({ underlying: v.underlying, source: v.source, expiry: v.expiry, strike: v.strike, iv: v.iv, time: v.time, forwardRatio: v.forwardRatio ?? null })),
        skipDuplicates: true,
      })
    }
    await tx.account.update({
      where: { id: account.id },
      data: { status: 'ok', lastError: null, lastAttemptAt: new Date() },
    })
    return created.id
  })
}

/** Records a failed fetch; the account's last good snapshot stays its current state. */
export async function writeFailedSnapshot(
  prisma: PrismaClient,
  account: { id: string },
  error: CrossmarginError,
  attemptedAt: Date,
  durationMs: number,
): Promise<string> {
  const message = `${error.code}: ${error.message}`
  return prisma.$transaction(async (tx) => {
    const created = await tx.snapshot.create({
      data: { accountId: account.id, status: 'failed', asOf: attemptedAt, durationMs: Math.round(durationMs), error: message },
      select: { id: true },
    })
    await tx.account.update({
      where: { id: account.id },
      data: { status: error.code === 'UNAUTHORIZED' ? 'unauthorized' : 'failed', lastError: message, lastAttemptAt: attemptedAt },
    })
    return created.id
  })
}
