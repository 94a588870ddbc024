// Webhooks over GraphQL: a portfolio's webhooks with their recent deliveries, creating one (its signing secret is
// returned once and stored encrypted) and removing one. A scoped API key manages its own portfolios' webhooks.
import type { Resolvers, WebhookEvent as GraphqlWebhookEvent } from '../generated/graphql/resolvers.js'
import { InvalidInput, NotFound } from '../core/errors.js'
import { generateWebhookSecret } from '../notify/webhook-signature.js'
import { checkWebhookTarget, PrivateAddressRefused } from '../notify/webhook-target.js'
import type { WebhookEvent } from '../notify/webhook-dispatcher.js'
import { canSeePortfolio } from './access.js'
import type { ApiContext } from './context.js'

const TO_STORED: Record<GraphqlWebhookEvent, WebhookEvent> = { MARGIN_CALL_OPENED: 'margin_call.opened', MARGIN_CALL_RESOLVED: 'margin_call.resolved' }
const FROM_STORED = Object.fromEntries(Object.entries(TO_STORED).map(([k, v]) => [v, k])) as Record<string, GraphqlWebhookEvent>
const MAX_DELIVERIES = 200

function webhookUrl(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new InvalidInput('input.url', 'is not a URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidInput('input.url', `must be http(s), got ${url.protocol}`)
  // Credentials in a URL would be stored and shown in clear: the signature is how a receiver authenticates us.
  if (url.username || url.password) throw new InvalidInput('input.url', 'must not carry a user name or password')
  if (text.length > 2000) throw new InvalidInput('input.url', 'is longer than 2000 characters')
  return url
}

/** A webhook may reach public addresses only, unless the deployment allows its own network (webhook-target.ts). */
async function checkTarget(url: URL, ctx: ApiContext): Promise<void> {
  try {
    await checkWebhookTarget(url, ctx.allowPrivateWebhookAddresses ?? false)
  } catch (error) {
    if (error instanceof PrivateAddressRefused) throw new InvalidInput('input.url', `${error.message}; set webhooks.allowPrivateAddresses for receivers on your own network`)
    throw new InvalidInput('input.url', `its host ${url.hostname} could not be resolved`)
  }
}

export const webhookResolvers = {
  Portfolio: {
    webhooks: (portfolio, _args, ctx) => ctx.prisma.webhook.findMany({ where: { portfolioId: portfolio.id }, orderBy: { createdAt: 'asc' } }),
  },
  Webhook: {
    events: (webhook) => webhook.events.map((e) => FROM_STORED[e]!).filter(Boolean),
    deliveries: (webhook, { limit }, ctx) =>
      ctx.prisma.webhookDelivery.findMany({ where: { webhookId: webhook.id }, orderBy: { createdAt: 'desc' }, take: Math.min(Math.max(limit ?? 20, 1), MAX_DELIVERIES) }),
  },
  WebhookDelivery: {
    event: (delivery) => FROM_STORED[delivery.event]!,
  },
  Mutation: {
    createWebhook: async (_root, { input }, ctx) => {
      const url = webhookUrl(input.url.trim())
      if (input.events.length === 0) throw new InvalidInput('input.events', 'name at least one event')
      const portfolio = canSeePortfolio(ctx.access, input.portfolioId) ? await ctx.prisma.portfolio.findUnique({ where: { id: input.portfolioId }, select: { id: true } }) : null
      if (!portfolio) throw new InvalidInput('input.portfolioId', `portfolio ${input.portfolioId} does not exist`)
      if (!ctx.sealCredentials) throw new InvalidInput('CROSSMARGIN_SECRET_KEY', 'is not set, so webhook secrets cannot be stored encrypted')
      // After the portfolio check: a key with no portfolio gets no DNS lookups out of us.
      await checkTarget(url, ctx)
      const secret = generateWebhookSecret()
      const webhook = await ctx.prisma.webhook.create({
        data: { portfolioId: portfolio.id, url: url.toString(), secret: ctx.sealCredentials({ secret }), events: [...new Set(input.events.map((e) => TO_STORED[e]))] },
      })
      return { webhook, secret }
    },
    removeWebhook: async (_root, { id }, ctx) => {
      const webhook = await ctx.prisma.webhook.findUnique({ where: { id }, select: { portfolioId: true } })
      if (!webhook || !canSeePortfolio(ctx.access, webhook.portfolioId)) throw new NotFound(`webhook ${id} does not exist`)
      await ctx.prisma.webhook.delete({ where: { id } })
      return true
    },
  },
} satisfies Pick<Resolvers<ApiContext>, 'Webhook' | 'WebhookDelivery'> & {
  Portfolio: Pick<NonNullable<Resolvers<ApiContext>['Portfolio']>, 'webhooks'>
  Mutation: Pick<NonNullable<Resolvers<ApiContext>['Mutation']>, 'createWebhook' | 'removeWebhook'>
}
