// Resolvers for schema.graphql, typed by graphql-codegen; every list goes through the request's DataLoaders.
import type { Resolvers, AccountStatus, BalanceKind } from '../generated/graphql/resolvers.js'
import { toDecimalString } from '../core/decimal.js'
import { InvalidInput, NotFound } from '../core/errors.js'
import { toJson } from '../indexer/snapshot-writer.js'
import { DateTimeScalar, DecimalScalar, JsonScalar } from './scalars.js'
import { loadPortfolioState } from '../portfolio/state.js'
import { marginDifferences } from './margin-comparison.js'
import { portfolioExposures } from '../portfolio/exposures.js'
import type { VenueMarginComparisonModel } from './models.js'
import { riskResolvers } from './risk-resolvers.js'
import { marginCallResolvers } from './margin-call-resolvers.js'
import { apiKeyResolvers } from './api-key-resolvers.js'
import { whatIfResolvers } from './what-if-resolvers.js'
import { webhookResolvers } from './webhook-resolvers.js'
import { canSeePortfolio, portfolioScope, requireAdmin } from './access.js'
import type { ApiContext } from './context.js'
import type { AccountToVerify } from '../indexer/verify-account.js'
import { checkWebhookTarget, PrivateAddressRefused } from '../notify/webhook-target.js'

const ACCOUNT_STATUS: Record<string, AccountStatus> = { pending: 'PENDING', ok: 'OK', failed: 'FAILED', unauthorized: 'UNAUTHORIZED' }
const BALANCE_KIND: Record<string, BalanceKind> = { collateral: 'COLLATERAL', debt: 'DEBT', wallet: 'WALLET' }

export const resolvers: Resolvers = {
  MarginCall: marginCallResolvers.MarginCall,
  Webhook: webhookResolvers.Webhook,
  WebhookDelivery: webhookResolvers.WebhookDelivery,
  Subscription: marginCallResolvers.Subscription,
  AccountEvent: {
    amount: (event) => toDecimalString(event.amount),
    priceUsd: (event) => (event.priceUsd === null ? null : toDecimalString(event.priceUsd)),
    collateralAmount: (event) => (event.collateralAmount === null ? null : toDecimalString(event.collateralAmount)),
  },
  Decimal: DecimalScalar,
  DateTime: DateTimeScalar,
  JSON: JsonScalar,

  Query: {
    portfolios: (_root, _args, ctx) => ctx.prisma.portfolio.findMany({ where: { id: portfolioScope(ctx.access) }, orderBy: { createdAt: 'asc' } }),
    portfolio: (_root, { id }, ctx) => (canSeePortfolio(ctx.access, id) ? ctx.prisma.portfolio.findUnique({ where: { id } }) : null),
    account: (_root, { id }, ctx) => visibleAccount(ctx, id),
    ...riskResolvers.Query,
    ...apiKeyResolvers.Query,
    ...whatIfResolvers.Query,
    venues: (_root, _args, ctx) =>
      Object.values(ctx.venues).map(({ descriptor: d }) => ({
        id: d.id,
        displayName: d.displayName,
        kind: d.kind,
        supportsOptions: d.supports.options,
        reportsMargin: d.supports.venueReportsMargin,
        pausedUntil: ctx.venuePause?.(d.id)?.until ?? null,
        pauseReason: ctx.venuePause?.(d.id)?.reason ?? null,
      })),
  },

  Mutation: {
    ...marginCallResolvers.Mutation,
    ...apiKeyResolvers.Mutation,
    ...webhookResolvers.Mutation,
    createPortfolio: async (_root, { name }, ctx) => {
      // A scoped key could not see the portfolio it made: creating them is for admins (or a local install).
      requireAdmin(ctx.access, 'creating a portfolio')
      const trimmed = name.trim()
      if (!trimmed || trimmed.length > 200) throw new InvalidInput('name', 'must be 1 to 200 characters')
      return ctx.prisma.portfolio.create({ data: { name: trimmed } })
    },
    addAccount: async (_root, { input }, ctx) => {
      const connector = ctx.venues[input.venue]
      if (!connector) throw new InvalidInput('input.venue', `unknown venue "${input.venue}" (known: ${Object.keys(ctx.venues).join(', ')})`)
      const label = input.label.trim()
      if (!label || label.length > 100) throw new InvalidInput('input.label', 'must be 1 to 100 characters')
      const parsed = connector.descriptor.configSchema.safeParse(input.config)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!
        const key = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.')
        throw new InvalidInput(`input.config.${key}`, issue.code === 'unrecognized_keys' ? 'unknown key' : issue.message)
      }
      const portfolio = canSeePortfolio(ctx.access, input.portfolioId) ? await ctx.prisma.portfolio.findUnique({ where: { id: input.portfolioId }, select: { id: true } }) : null
      if (!portfolio) throw new InvalidInput('input.portfolioId', `portfolio ${input.portfolioId} does not exist`)
      const clash = await ctx.prisma.account.findUnique({ where: { portfolioId_label: { portfolioId: portfolio.id, label } }, select: { id: true } })
      if (clash) throw new InvalidInput('input.label', `"${label}" is already used in this portfolio`)
      let credentials: string | null = null
      let secrets: Record<string, string> | undefined
      if (input.credentials !== undefined && input.credentials !== null) {
        const plain = input.credentials as Record<string, unknown>
        if (typeof plain !== 'object' || Array.isArray(plain) || Object.values(plain).some((v) => typeof v !== 'string' || v === '')) {
          throw new InvalidInput('input.credentials', 'must map environment-variable names to non-empty strings')
        }
        if (!ctx.sealCredentials) throw new InvalidInput('input.credentials', 'the server has no CROSSMARGIN_SECRET_KEY, so it cannot store credentials')
        secrets = plain as Record<string, string>
        credentials = ctx.sealCredentials(secrets)
      }
      // Over the API every secret comes inline: a config naming an environment variable (apiKeyEnv: DATABASE_URL) would
      // otherwise make the server read its own environment and send what it finds to a venue. Names are the operator's,
      // in the config file only; here each must be a key of `credentials`, which is all the account will ever read.
      for (const [key, name] of Object.entries(parsed.data as Record<string, unknown>)) {
        if (!key.endsWith('Env') || typeof name !== 'string') continue
        if (!secrets || !(name in secrets)) throw new InvalidInput(`input.credentials.${name}`, `give the value for config.${key} inline in credentials (environment variables are read only for accounts in the operator's config file)`)
      }
      // Venue URLs are where the server will connect every cycle: from the API they must be public addresses, as
      // webhooks must (server-side request forgery otherwise), unless the operator allows private ones.
      for (const [key, value] of Object.entries(parsed.data as Record<string, unknown>)) {
        if (!key.endsWith('Url') || typeof value !== 'string') continue
        try {
          await checkWebhookTarget(new URL(value), ctx.allowPrivateVenueUrls ?? false)
        } catch (error) {
          if (error instanceof PrivateAddressRefused) throw new InvalidInput(`input.config.${key}`, `${error.message}: accounts added over the API may reach public addresses only (venueUrls.allowPrivateAddresses in the server's config lifts this)`)
          throw new InvalidInput(`input.config.${key}`, `its host could not be resolved (${(error as Error).message})`)
        }
      }
      const warnings = await verifyBeforeStoring(ctx, { venue: input.venue, label, config: parsed.data, secrets })
      return ctx.prisma.account.create({ data: { portfolioId: portfolio.id, venue: input.venue, label, config: toJson(parsed.data), credentials, warnings } })
    },
    removeAccount: async (_root, { id }, ctx) => {
      if (!(await visibleAccount(ctx, id))) throw new NotFound(`account ${id} does not exist`)
      const deleted = await ctx.prisma.account.deleteMany({ where: { id } })
      if (deleted.count === 0) throw new NotFound(`account ${id} does not exist`)
      return true
    },
    refreshAccount: async (_root, { id }, ctx) => {
      const account = await visibleAccount(ctx, id)
      if (!account) throw new NotFound(`account ${id} does not exist`)
      if (ctx.refreshAccount) await ctx.refreshAccount(id)
      return ctx.prisma.account.findUniqueOrThrow({ where: { id } })
    },
  },

  Portfolio: {
    ...riskResolvers.Portfolio,
    ...marginCallResolvers.Portfolio,
    ...webhookResolvers.Portfolio,
    accounts: (portfolio, _args, ctx) => ctx.loaders.accountsByPortfolio.load(portfolio.id),
    exposures: (portfolio, _args, ctx) => portfolioExposures(ctx, portfolio.id),
    venueMargins: async (portfolio, _args, ctx) => {
      const state = await loadPortfolioState(ctx, portfolio.id)
      return state.flatMap(({ account, snapshot, margins }): VenueMarginComparisonModel[] =>
        snapshot && margins.reported && margins.replicated
          ? [{ accountId: account.id, venue: account.venue, asOf: snapshot.asOf, reported: margins.reported, replicated: margins.replicated }]
          : [],
      )
    },
    dataAsOf: async (portfolio, _args, ctx) => {
      const state = await loadPortfolioState(ctx, portfolio.id)
      const times = state.map((s) => s.snapshot?.asOf.getTime()).filter((t): t is number => t !== undefined)
      return times.length === 0 ? null : new Date(Math.min(...times))
    },
  },

  Account: {
    status: (account) => ACCOUNT_STATUS[account.status] ?? 'FAILED',
    hasStoredCredentials: (account) => account.credentials !== null,
    history: (account, { limit }, ctx) =>
      ctx.prisma.accountEvent.findMany({ where: { accountId: account.id }, orderBy: { time: 'desc' }, take: Math.min(Math.max(limit ?? 100, 1), 1000) }),
    lastSnapshot: (account, _args, ctx) => ctx.loaders.latestSnapshotByAccount.load(account.id),
    dataAgeSeconds: async (account, _args, ctx) => {
      const snapshot = await ctx.loaders.latestSnapshotByAccount.load(account.id)
      return snapshot ? (ctx.now().getTime() - snapshot.asOf.getTime()) / 1000 : null
    },
    snapshots: (account, { limit }, ctx) => ctx.loaders.recentSnapshots.load(`${account.id}|${Math.min(Math.max(limit ?? 10, 1), 100)}`),
  },

  Snapshot: {
    blockNumber: (snapshot) => (snapshot.blockNumber === null ? null : snapshot.blockNumber.toString()),
    positions: (snapshot, _args, ctx) => ctx.loaders.positionsBySnapshot.load(snapshot.id),
    balances: (snapshot, _args, ctx) => ctx.loaders.balancesBySnapshot.load(snapshot.id),
    venueMargin: async (snapshot, _args, ctx) => {
      const [margins, account] = await Promise.all([ctx.loaders.marginsBySnapshot.load(snapshot.id), ctx.loaders.accountById.load(snapshot.accountId)])
      if (!margins.reported || !margins.replicated) throw new NotFound(`snapshot ${snapshot.id} has no margin figures`)
      return { accountId: snapshot.accountId, venue: account?.venue ?? 'unknown', asOf: snapshot.asOf, reported: margins.reported, replicated: margins.replicated }
    },
  },

  Position: {
    instrument: (position) => position.instrument,
  },

  Balance: {
    kind: (balance) => BALANCE_KIND[balance.kind] ?? 'WALLET',
  },

  VenueMarginComparison: {
    differences: (comparison) => marginDifferences(comparison.reported, comparison.replicated),
    details: (comparison) => comparison.replicated.details ?? null,
  },
}

/** The venue's live check; its InvalidInput fields are relative to the account, so they gain the `input.` prefix. */
async function verifyBeforeStoring(ctx: ApiContext, account: AccountToVerify): Promise<string[]> {
  if (!ctx.verifyAccount) return []
  try {
    return (await ctx.verifyAccount(account)).warnings
  } catch (caught) {
    if (!(caught instanceof InvalidInput)) throw caught
    // A key read from the environment (no credentials in the input) is named by the config key that points at it.
    const field = caught.field === 'credentials' && !account.secrets ? 'config' : caught.field
    throw new InvalidInput(`input.${field}`, caught.detail, { cause: caught })
  }
}

/** The account if it exists and the caller may see its portfolio; otherwise null, alike for both. */
async function visibleAccount(ctx: ApiContext, id: string) {
  const account = await ctx.loaders.accountById.load(id)
  return account && canSeePortfolio(ctx.access, account.portfolioId) ? account : null
}
