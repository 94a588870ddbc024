// Managing API keys over GraphQL: list, create (the key is returned once), revoke. Admin only (api/access.ts).
import type { Resolvers } from '../generated/graphql/resolvers.js'
import { InvalidInput, NotFound } from '../core/errors.js'
import { generateApiKey, requireAdmin } from './access.js'
import type { ApiContext } from './context.js'

export const apiKeyResolvers = {
  Query: {
    apiKeys: (_root, _args, ctx) => {
      requireAdmin(ctx.access, 'listing API keys')
      return ctx.prisma.apiKey.findMany({ orderBy: { createdAt: 'asc' } })
    },
  },
  Mutation: {
    createApiKey: async (_root, { input }, ctx) => {
      requireAdmin(ctx.access, 'creating an API key')
      const name = input.name.trim()
      if (!name || name.length > 100) throw new InvalidInput('input.name', 'must be 1 to 100 characters')
      const portfolioIds = [...new Set(input.portfolioIds)]
      if (input.admin && portfolioIds.length > 0) throw new InvalidInput('input.portfolioIds', 'an admin key sees every portfolio; give no portfolio ids')
      if (!input.admin && portfolioIds.length === 0) throw new InvalidInput('input.portfolioIds', 'a key that is not admin needs at least one portfolio')
      const found = await ctx.prisma.portfolio.findMany({ where: { id: { in: portfolioIds } }, select: { id: true } })
      const missing = portfolioIds.filter((id) => !found.some((p) => p.id === id))
      if (missing.length > 0) throw new InvalidInput('input.portfolioIds', `no portfolio ${missing.join(', ')}`)
      const { secret, hash } = generateApiKey()
      const apiKey = await ctx.prisma.apiKey.create({ data: { name, hash, portfolioIds, admin: input.admin } })
      ctx.logger.info({ apiKeyId: apiKey.id, admin: apiKey.admin, portfolios: portfolioIds.length }, 'API key created')
      return { apiKey, key: secret }
    },
    revokeApiKey: async (_root, { id }, ctx) => {
      requireAdmin(ctx.access, 'revoking an API key')
      const key = await ctx.prisma.apiKey.findUnique({ where: { id } })
      if (!key) throw new NotFound(`API key ${id} does not exist`)
      if (key.revokedAt) return key
      ctx.logger.info({ apiKeyId: id }, 'API key revoked')
      const revoked = await ctx.prisma.apiKey.update({ where: { id }, data: { revokedAt: ctx.now() } })
      // Its open subscriptions end now, not at their next event.
      ctx.apiKeyRevoked?.(id)
      return revoked
    },
  },
} satisfies {
  Query: Pick<NonNullable<Resolvers<ApiContext>['Query']>, 'apiKeys'>
  Mutation: Pick<NonNullable<Resolvers<ApiContext>['Mutation']>, 'createApiKey' | 'revokeApiKey'>
}
