// Makes the database hold the portfolios and accounts the config file names (by portfolio name and account
// label), without touching accounts added through the API or any stored snapshot.
import type { PrismaClient } from '../generated/prisma/client.js'
import type { CrossmarginConfig } from '../core/config.js'
import { toJson } from './snapshot-writer.js'

export async function syncConfig(prisma: PrismaClient, config: CrossmarginConfig): Promise<{ portfolioIds: string[] }> {
  const portfolioIds: string[] = []
  for (const portfolio of config.portfolios) {
    const existing = await prisma.portfolio.findFirst({ where: { name: portfolio.name }, select: { id: true } })
    const portfolioId = existing?.id ?? (await prisma.portfolio.create({ data: { name: portfolio.name }, select: { id: true } })).id
    portfolioIds.push(portfolioId)
    for (const account of portfolio.accounts) {
      await prisma.account.upsert({
        where: { portfolioId_label: { portfolioId, label: account.label } },
        create: { portfolioId, label: account.label, venue: account.venue, config: toJson(account.config) },
        update: { venue: account.venue, config: toJson(account.config) },
      })
    }
  }
  return { portfolioIds }
}
