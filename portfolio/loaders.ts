// Batched reads of stored portfolios (DataLoader): every list the portfolio service or a resolver needs is fetched in
// one query per kind, whatever the number of portfolios, accounts or snapshots asked for. One set per request or job.
import DataLoader from 'dataloader'
import { Prisma, type PrismaClient } from '../generated/prisma/client.js'
import { fromStored, type AccountModel, type BalanceModel, type PositionModel, type SnapshotMargins, type SnapshotModel, type SnapshotSummaryModel } from './rows.js'

function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const row of rows) {
    const k = key(row)
    const list = groups.get(k)
    if (list) list.push(row)
    else groups.set(k, [row])
  }
  return groups
}

export function createLoaders(prisma: PrismaClient) {
  const accountsByPortfolio = new DataLoader<string, AccountModel[]>(async (portfolioIds) => {
    const rows = await prisma.account.findMany({ where: { portfolioId: { in: [...portfolioIds] } }, orderBy: { createdAt: 'asc' } })
    const groups = groupBy(rows, (r) => r.portfolioId)
    return portfolioIds.map((id) => groups.get(id) ?? [])
  })

  const accountById = new DataLoader<string, AccountModel | null>(async (ids) => {
    const rows = await prisma.account.findMany({ where: { id: { in: [...ids] } } })
    const byId = new Map(rows.map((r) => [r.id, r]))
    return ids.map((id) => byId.get(id) ?? null)
  })

  /** The latest `ok` snapshot per account: one DISTINCT ON query, then one fetch of those rows. */
  const latestSnapshotByAccount = new DataLoader<string, SnapshotModel | null>(async (accountIds) => {
    const latest = await prisma.$queryRaw<{ id: string }[]>(Prisma.sql`
      SELECT DISTINCT ON ("accountId") "id" FROM "Snapshot"
      WHERE "accountId" IN (${Prisma.join([...accountIds])}) AND "status" = 'ok'
      ORDER BY "accountId", "fetchedAt" DESC`)
    if (latest.length === 0) return accountIds.map(() => null)
    const rows = await prisma.snapshot.findMany({ where: { id: { in: latest.map((r) => r.id) } } })
    const byAccount = new Map(rows.map((r) => [r.accountId, r]))
    return accountIds.map((id) => byAccount.get(id) ?? null)
  })

  /** Recent snapshots (ok and failed), keyed by `accountId|limit`. */
  const recentSnapshots = new DataLoader<string, SnapshotSummaryModel[]>(async (keys) => {
    const parsed = keys.map((k) => {
      const [accountId, limit] = k.split('|')
      return { accountId: accountId!, limit: Number(limit) }
    })
    const maxLimit = Math.max(...parsed.map((p) => p.limit))
    const rows = await prisma.$queryRaw<(SnapshotSummaryModel & { accountId: string })[]>(Prisma.sql`
      SELECT "id", "accountId", "status"::text AS "status", "asOf", "fetchedAt", "durationMs", "error" FROM (
        SELECT *, row_number() OVER (PARTITION BY "accountId" ORDER BY "fetchedAt" DESC) AS rn
        FROM "Snapshot" WHERE "accountId" IN (${Prisma.join(parsed.map((p) => p.accountId))})
      ) ranked WHERE rn <= ${maxLimit} ORDER BY "fetchedAt" DESC`)
    const groups = groupBy(rows, (r) => r.accountId)
    return parsed.map((p) => (groups.get(p.accountId) ?? []).slice(0, p.limit))
  })

  const positionsBySnapshot = new DataLoader<string, PositionModel[]>(async (snapshotIds) => {
    const rows = await prisma.position.findMany({
      where: { snapshotId: { in: [...snapshotIds] } },
      include: { instrument: true },
      orderBy: [{ instrument: { venueSymbol: 'asc' } }, { id: 'asc' }],
    })
    const groups = groupBy(
      rows.map((r) => ({ ...fromStored(r), instrument: fromStored(r.instrument) })),
      (r) => r.snapshotId,
    )
    return snapshotIds.map((id) => groups.get(id) ?? [])
  })

  const balancesBySnapshot = new DataLoader<string, BalanceModel[]>(async (snapshotIds) => {
    const rows = await prisma.balance.findMany({
      where: { snapshotId: { in: [...snapshotIds] } },
      // Collateral, then debt, then wallet (enum order), then by asset: stable for clients and tests.
      orderBy: [{ kind: 'asc' }, { asset: 'asc' }, { id: 'asc' }],
    })
    const groups = groupBy(rows.map(fromStored), (r) => r.snapshotId)
    return snapshotIds.map((id) => groups.get(id) ?? [])
  })

  const marginsBySnapshot = new DataLoader<string, SnapshotMargins>(async (snapshotIds) => {
    const rows = await prisma.venueMargin.findMany({ where: { snapshotId: { in: [...snapshotIds] } } })
    const groups = groupBy(rows.map(fromStored), (r) => r.snapshotId)
    return snapshotIds.map((id) => {
      const list = groups.get(id) ?? []
      return { reported: list.find((m) => m.source === 'venue') ?? null, replicated: list.find((m) => m.source === 'replicated') ?? null }
    })
  })

  return {
    accountsByPortfolio,
    accountById,
    latestSnapshotByAccount,
    recentSnapshots,
    positionsBySnapshot,
    balancesBySnapshot,
    marginsBySnapshot,
  }
}

export type Loaders = ReturnType<typeof createLoaders>
