// Margin calls in the API: the stored calls a portfolio has, acknowledging one, and the two live feeds
// (accounts after each fetch, calls as they open and resolve) over graphql-ws.
import type { MarginCallLevel, Resolvers } from '../generated/graphql/resolvers.js'
import { toDecimalString } from '../core/decimal.js'
import { Internal, NotFound } from '../core/errors.js'
import type { PortfolioEventKind } from '../core/events.js'
import { createLoaders } from '../portfolio/loaders.js'
import type { ApiContext } from './context.js'
import type { MarginCallEventModel } from './models.js'
import { canSeePortfolio } from './access.js'

const LEVEL: Record<string, MarginCallLevel> = { warning: 'WARNING', call: 'CALL', critical: 'CRITICAL' }
const MAX_CALLS = 500

/**
 * A subscription's context lives as long as the subscription, but each event must be resolved against the database
 * as it is now: fresh loaders and memo per event, or the second event would be answered from the first one's cache.
 */
function freshRequestState(ctx: ApiContext): void {
  ctx.loaders = createLoaders(ctx.prisma)
  ctx.memo.clear()
}

async function subscribeTo(ctx: ApiContext, portfolioId: string, kind: PortfolioEventKind) {
  if (!ctx.events) throw new Internal('this server has no event feed (it runs without an indexer)')
  const portfolio = canSeePortfolio(ctx.access, portfolioId) ? await ctx.prisma.portfolio.findUnique({ where: { id: portfolioId }, select: { id: true } }) : null
  if (!portfolio) throw new NotFound(`portfolio ${portfolioId} does not exist`)
  return ctx.events.subscribe(portfolioId, kind)
}

export const marginCallResolvers = {
  Portfolio: {
    marginCalls: (portfolio, { includeResolved, limit }, ctx) =>
      ctx.prisma.marginCall.findMany({
        where: { portfolioId: portfolio.id, ...(includeResolved ? {} : { resolvedAt: null }) },
        orderBy: { openedAt: 'desc' },
        take: Math.min(Math.max(limit ?? 50, 1), MAX_CALLS),
      }),
  },
  Mutation: {
    acknowledgeMarginCall: async (_root, { id }, ctx) => {
      const call = await ctx.prisma.marginCall.findUnique({ where: { id } })
      if (!call || !canSeePortfolio(ctx.access, call.portfolioId)) throw new NotFound(`margin call ${id} does not exist`)
      // The first acknowledgement is the one that counts: when a person first saw it.
      if (call.acknowledgedAt) return call
      return ctx.prisma.marginCall.update({ where: { id }, data: { acknowledgedAt: ctx.now() } })
    },
  },
  MarginCall: {
    account: (call, _args, ctx) => (call.accountId ? ctx.loaders.accountById.load(call.accountId) : null),
    level: (call) => LEVEL[call.level]!,
    threshold: (call) => toDecimalString(call.threshold),
    value: (call) => (call.value === null ? null : toDecimalString(call.value)),
  },
  Subscription: {
    accountUpdated: {
      subscribe: (_root, { portfolioId }, ctx) => subscribeTo(ctx, portfolioId, 'account'),
      resolve: async (event: { accountId: string }, _args: unknown, ctx: ApiContext) => {
        freshRequestState(ctx)
        const account = await ctx.loaders.accountById.load(event.accountId)
        if (!account) throw new NotFound(`account ${event.accountId} was removed`)
        return account
      },
    },
    marginCallChanged: {
      subscribe: (_root, { portfolioId }, ctx) => subscribeTo(ctx, portfolioId, 'marginCall'),
      resolve: async (event: { callId: string; change: 'opened' | 'resolved' }, _args: unknown, ctx: ApiContext) => {
        freshRequestState(ctx)
        const call = await ctx.prisma.marginCall.findUnique({ where: { id: event.callId } })
        if (!call) throw new NotFound(`margin call ${event.callId} was removed with its account`)
        const model: MarginCallEventModel = { change: event.change === 'opened' ? 'OPENED' : 'RESOLVED', call }
        return model
      },
    },
  },
} satisfies Pick<Resolvers<ApiContext>, 'MarginCall' | 'Subscription'> & {
  Portfolio: Pick<NonNullable<Resolvers<ApiContext>['Portfolio']>, 'marginCalls'>
  Mutation: Pick<NonNullable<Resolvers<ApiContext>['Mutation']>, 'acknowledgeMarginCall'>
}
