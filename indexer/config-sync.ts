// Makes the database hold the portfolios and accounts the config file names (by portfolio name and account
// label), without touching accounts added through the API or any stored snapshot.
import type { PrismaClient } from '../generated/prisma/client.js'
import type { CrossmarginConfig } from '../core/config.js'
import { toJson } from './snapshot-writer.js'
import { configAccountKey } from './verify-account.js'

/** `warnings`: what the live check at start found per account (see verifyConfigAccounts); absent keeps stored ones. */
export async function syncConfig(prisma: PrismaClient, config: CrossmarginConfig, warnings?: Map<string, string[]>): Promise<{ portfolioIds: string[] }> {
  const portfolioIds: string[] = []
  for (const portfolio of config.portfolios) {
    const existing = await prisma.portfolio.findFirst({ where: { name: portfolio.name }, select: { id: true } })
    const portfolioId = existing?.id ?? (await prisma.portfolio.create({ data: { name: portfolio.name }, select: { id: true } })).id
    portfolioIds.push(portfolioId)
    for (const account of portfolio.accounts) {
      const found = warnings?.get(configAccountKey(portfolio.name, account.label))
      await prisma.account.upsert({
        where: { portfolioId_label: { portfolioId, label: account.label } },
        create: { portfolioId, label: account.label, venue: account.venue, config: toJson(account.config), warnings: found ?? [] },
        update: { venue: account.venue, config: toJson(account.config), ...(found ? { warnings: found } : {}) },
      })
    }
  }
  return { portfolioIds }
}
