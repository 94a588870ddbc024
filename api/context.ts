// What every resolver gets: the database, this request's loaders, the clock, and the services behind mutations.
import type { Logger } from 'pino'
import type { PrismaClient } from '../generated/prisma/client.js'
import { createLoaders, type Loaders } from './loaders.js'
import type { AnyVenueConnector } from '../venues/types.js'

export interface ApiServices {
  prisma: PrismaClient
  logger: Logger
  venues: Record<string, AnyVenueConnector>
  /** Fetches one account now (the indexer's path); absent when the API runs without an indexer. */
  refreshAccount?: (accountId: string) => Promise<void>
  now: () => Date
}

export interface ApiContext extends ApiServices {
  loaders: Loaders
}

export function createContext(services: ApiServices): ApiContext {
  return { ...services, loaders: createLoaders(services.prisma) }
}
