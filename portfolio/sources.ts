// Where the portfolio service reads from: the database, batched loaders, the clock and the stored daily history.
// A GraphQL request's context is one (its loaders are per request); the indexer builds its own per job.
import type { PrismaClient } from '../generated/prisma/client.js'
import type { PriceHistory } from '../risk/types.js'
import { createLoaders, type Loaders } from './loaders.js'

export interface PortfolioSources {
  prisma: PrismaClient
  loaders: Loaders
  now: () => Date
  /** Daily price history for the risk engine (stored candles), null when none is stored. */
  priceHistory?: () => Promise<PriceHistory | null>
}

/** Fresh sources for one piece of work outside a request (a margin-call check after a fetch). */
export function portfolioSources(prisma: PrismaClient, options: { now: () => Date; priceHistory?: () => Promise<PriceHistory | null> }): PortfolioSources {
  return { prisma, loaders: createLoaders(prisma), now: options.now, priceHistory: options.priceHistory }
}
