// An Aave v3 user's history from the market's subgraph, read through The Graph's client (graph-client.ts):
// supplies, borrows, repays and liquidations, each kind paged through by id in pages of 5,000 rows, amounts turned
// from token units into decimals. The queries are user-history.graphql, written against schema.graphql (the
// subgraph's own types).
import { z } from 'zod'
import { fromFixedPoint } from '../../../core/decimal.js'
import { VenueRejected } from '../../../core/errors.js'
import { parsePayload } from '../../payload.js'
import { AaveSubgraphClient, type AaveHistoryOperation } from './graph-client.js'

/** Rows per page, as user-history.graphql asks (`first: 5000`): a shorter page is the last. */
const PAGE_ROWS = 5000

export type AaveHistoryKind = 'supply' | 'borrow' | 'repay' | 'liquidation'

export interface AaveHistoryEvent {
  kind: AaveHistoryKind
  /** The subgraph's id of the event (unique within its kind). */
  eventId: string
  txHash: string
  time: Date
  /** The asset supplied, borrowed or repaid; for a liquidation, the debt asset repaid by the liquidator. */
  asset: string
  amount: string
  priceUsd: string | null
  /** Liquidations only: the collateral taken. */
  collateralAsset: string | null
  collateralAmount: string | null
  raw: unknown
}

export interface AaveHistoryQuery {
  url: string
  user: string
  /** Unix seconds, inclusive. */
  since: number
  /** Unix seconds, exclusive. */
  until: number
  timeoutMs: number
  signal?: AbortSignal
}

// An event row as the subgraph's schema (../schema.graphql) types it; checked on each page.
const RawReserveSchema = z.looseObject({ symbol: z.string(), decimals: z.number(), underlyingAsset: z.string() })
type RawReserve = z.infer<typeof RawReserveSchema>

const RawRowSchema = z.looseObject({
  id: z.string(),
  txHash: z.string(),
  timestamp: z.number(),
  amount: z.string().optional(),
  assetPriceUSD: z.string().optional(),
  reserve: RawReserveSchema.optional(),
  collateralAmount: z.string().optional(),
  principalAmount: z.string().optional(),
  borrowAssetPriceUSD: z.string().optional(),
  collateralReserve: RawReserveSchema.optional(),
  principalReserve: RawReserveSchema.optional(),
})
type RawRow = z.infer<typeof RawRowSchema>

const OPERATIONS: { kind: AaveHistoryKind; operation: AaveHistoryOperation; field: string }[] = [
  { kind: 'supply', operation: 'Supplies', field: 'supplies' },
  { kind: 'borrow', operation: 'Borrows', field: 'borrows' },
  { kind: 'repay', operation: 'Repays', field: 'repays' },
  { kind: 'liquidation', operation: 'LiquidationCalls', field: 'liquidationCalls' },
]

// One client per subgraph URL for the life of the process, so block tracking holds across reads.
const clients = new Map<string, AaveSubgraphClient>()
function clientFor(url: string): AaveSubgraphClient {
  let client = clients.get(url)
  if (!client) clients.set(url, (client = new AaveSubgraphClient(url)))
  return client
}

/** Every event of the user in [since, until), oldest first within each kind. */
export async function fetchAaveHistory(query: AaveHistoryQuery): Promise<AaveHistoryEvent[]> {
  const client = clientFor(query.url)
  const events: AaveHistoryEvent[] = []
  for (const { kind, operation, field } of OPERATIONS) {
    let after = ''
    for (;;) {
      const data = await client.query(operation, { user: query.user.toLowerCase(), since: query.since, until: query.until, after }, { timeoutMs: query.timeoutMs, signal: query.signal })
      if (!Array.isArray(data[field])) throw new VenueRejected(`aave-v3 subgraph sent no ${field} list`)
      const rows = parsePayload('aave-v3 subgraph', z.array(RawRowSchema), data[field], `${field} page`)
      for (const row of rows) events.push(toEvent(kind, row))
      if (rows.length < PAGE_ROWS) break
      after = rows[rows.length - 1]!.id
    }
  }
  return events
}

function toEvent(kind: AaveHistoryKind, row: RawRow): AaveHistoryEvent {
  const units = (amount: string | undefined, reserve: RawReserve | undefined, what: string) => {
    if (amount === undefined || !reserve || !/^\d+$/.test(amount)) throw new VenueRejected(`aave-v3 subgraph sent an unusable ${kind} ${row.id}: ${what}`)
    return fromFixedPoint(BigInt(amount), reserve.decimals)
  }
  if (typeof row.id !== 'string' || typeof row.timestamp !== 'number') throw new VenueRejected(`aave-v3 subgraph sent a ${kind} without id or timestamp`)
  const base = { kind, eventId: row.id, txHash: row.txHash, time: new Date(row.timestamp * 1000), raw: row }
  if (kind === 'liquidation') {
    return {
      ...base,
      asset: row.principalReserve?.symbol ?? '?',
      amount: units(row.principalAmount, row.principalReserve, 'principalAmount'),
      priceUsd: row.borrowAssetPriceUSD ?? null,
      collateralAsset: row.collateralReserve?.symbol ?? null,
      collateralAmount: units(row.collateralAmount, row.collateralReserve, 'collateralAmount'),
    }
  }
  return { ...base, asset: row.reserve?.symbol ?? '?', amount: units(row.amount, row.reserve, 'amount'), priceUsd: row.assetPriceUSD ?? null, collateralAsset: null, collateralAmount: null }
}
