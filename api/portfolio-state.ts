// Gathers what portfolio-level resolvers share: each account with its latest good snapshot and that snapshot's
// rows, all through the request's loaders (so several fields on one portfolio cost no extra queries).
import type { ApiContext } from './context.js'
import type { AccountModel, BalanceModel, PositionModel, SnapshotModel } from './models.js'
import type { VenueMargin } from '../generated/prisma/client.js'

export interface AccountState {
  account: AccountModel
  snapshot: SnapshotModel | null
  positions: PositionModel[]
  balances: BalanceModel[]
  margins: { reported: VenueMargin | null; replicated: VenueMargin | null }
}

export async function loadPortfolioState(ctx: ApiContext, portfolioId: string): Promise<AccountState[]> {
  const accounts = await ctx.loaders.accountsByPortfolio.load(portfolioId)
  const snapshots = await Promise.all(accounts.map((a) => ctx.loaders.latestSnapshotByAccount.load(a.id)))
  return Promise.all(
    accounts.map(async (account, i) => {
      const snapshot = snapshots[i] ?? null
      if (!snapshot) return { account, snapshot, positions: [], balances: [], margins: { reported: null, replicated: null } }
      const [positions, balances, margins] = await Promise.all([
        ctx.loaders.positionsBySnapshot.load(snapshot.id),
        ctx.loaders.balancesBySnapshot.load(snapshot.id),
        ctx.loaders.marginsBySnapshot.load(snapshot.id),
      ])
      return { account, snapshot, positions, balances, margins }
    }),
  )
}
