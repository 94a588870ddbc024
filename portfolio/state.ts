// A stored portfolio's current state: each account with its latest good snapshot and that snapshot's rows, all
// through the sources' loaders (so several fields on one portfolio cost no extra queries).
import type { AccountModel, BalanceModel, PositionModel, SnapshotMargins, SnapshotModel } from './rows.js'
import type { PortfolioSources } from './sources.js'

export interface AccountState {
  account: AccountModel
  snapshot: SnapshotModel | null
  positions: PositionModel[]
  balances: BalanceModel[]
  margins: SnapshotMargins
}

export async function loadPortfolioState(ctx: Pick<PortfolioSources, 'loaders'>, portfolioId: string): Promise<AccountState[]> {
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
