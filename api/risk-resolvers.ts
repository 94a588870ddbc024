// Resolvers for the risk part of the schema: the stateless what-if (simulateMargin) and the risk fields of a
// stored portfolio, over the portfolio service (portfolio/). One risk run per portfolio per request, shared by every
// field that needs it.
import type { Resolvers } from '../generated/graphql/resolvers.js'
import { backtestView, riskReport } from '../portfolio/report.js'
import { portfolioRiskContext, requireHistory } from '../portfolio/risk-context.js'
import { simulationContext } from '../portfolio/simulation.js'
import { memoize, type ApiContext } from './context.js'

function portfolioReport(ctx: ApiContext, portfolioId: string) {
  return memoize(ctx, `risk:${portfolioId}`, async () => {
    const riskCtx = await portfolioRiskContext(ctx, portfolioId)
    return riskCtx ? { report: riskReport(riskCtx), riskCtx } : null
  })
}

export const riskResolvers: Pick<Resolvers, 'Query' | 'Portfolio'> = {
  Query: {
    simulateMargin: async (_root, { input }, ctx) => riskReport(simulationContext(input, await requireHistory(ctx), ctx.now())),
  },
  Portfolio: {
    unifiedMargin: async (portfolio, _args, ctx) => (await portfolioReport(ctx, portfolio.id))?.report.unified ?? null,
    stress: async (portfolio, _args, ctx) => (await portfolioReport(ctx, portfolio.id))?.report.stressScenarios ?? [],
    liquidationDistances: async (portfolio, _args, ctx) => (await portfolioReport(ctx, portfolio.id))?.report.liquidationDistances ?? [],
    capitalEfficiency: async (portfolio, _args, ctx) => (await portfolioReport(ctx, portfolio.id))?.report.capitalEfficiency ?? null,
    backtest: async (portfolio, _args, ctx) => {
      const run = await portfolioReport(ctx, portfolio.id)
      return run ? backtestView(run.riskCtx) : null
    },
  },
}
