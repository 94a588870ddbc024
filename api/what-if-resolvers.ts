// `whatIf`: a stored portfolio's risk before and after hypothetical trades and transfers (portfolio/what-if.ts).
import type { Resolvers } from '../generated/graphql/resolvers.js'
import { InvalidInput } from '../core/errors.js'
import { portfolioRiskContext } from '../portfolio/risk-context.js'
import { whatIfReport } from '../portfolio/what-if.js'
import { canSeePortfolio } from './access.js'
import type { ApiContext } from './context.js'

function decimal(value: string, field: string): number {
  const n = Number(value)
  if (!Number.isFinite(n)) throw new InvalidInput(field, `must be a finite decimal, got ${value}`)
  return n
}

export const whatIfResolvers = {
  Query: {
    whatIf: async (_root, { portfolioId, trades, transfers }, ctx) => {
      if (!canSeePortfolio(ctx.access, portfolioId)) return null
      const base = await portfolioRiskContext(ctx, portfolioId)
      if (!base) return null
      return whatIfReport(
        base,
        trades.map((t, i) => ({ accountId: t.accountId, instrument: t.instrument, size: decimal(t.size, `trades[${i}].size`), price: t.price ? decimal(t.price, `trades[${i}].price`) : null })),
        transfers.map((t, i) => ({ fromAccountId: t.fromAccountId ?? null, toAccountId: t.toAccountId ?? null, asset: t.asset, amount: decimal(t.amount, `transfers[${i}].amount`) })),
      )
    },
  },
} satisfies { Query: Pick<NonNullable<Resolvers<ApiContext>['Query']>, 'whatIf'> }
