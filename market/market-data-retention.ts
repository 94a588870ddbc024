// How long the live market's stored history is kept, and the pruning the app's retention job calls. Left alone these
// tables grow with every instrument every minute; each keeps what its users look back over.
import type { PrismaClient } from '../generated/prisma/client.js'

export interface MarketRetentionPolicy {
  /** Days of one-minute bars: intraday re-margining and backtests look back weeks; daily candles keep the years. */
  priceBarDays: number | null
  /** Days of depth snapshots, the heaviest rows (levels as JSON): the liquidity add-on needs recent books only. */
  bookDepthDays: number | null
  /** Days of funding rates: small rows, kept over a year for carry and funding-cost history. */
  fundingRateDays: number | null
  /** Days of open-interest samples, for the concentration add-on's recent history. */
  openInterestDays: number | null
}

export const DEFAULT_MARKET_RETENTION: MarketRetentionPolicy = { priceBarDays: 90, bookDepthDays: 7, fundingRateDays: 400, openInterestDays: 90 }

export interface MarketPruneResult {
  priceBars: number
  bookDepth: number
  fundingRates: number
  openInterest: number
}

const DAY_MS = 86_400_000
const before = (now: Date, days: number) => ({ lt: new Date(now.getTime() - days * DAY_MS) })

/** Deletes stored market data older than the policy keeps (null keeps a table whole). */
export async function pruneMarketData(prisma: PrismaClient, policy: MarketRetentionPolicy, now: Date): Promise<MarketPruneResult> {
  const result: MarketPruneResult = { priceBars: 0, bookDepth: 0, fundingRates: 0, openInterest: 0 }
  if (policy.priceBarDays !== null) result.priceBars = (await prisma.priceBar.deleteMany({ where: { start: before(now, policy.priceBarDays) } })).count
  if (policy.bookDepthDays !== null) result.bookDepth = (await prisma.bookDepth.deleteMany({ where: { time: before(now, policy.bookDepthDays) } })).count
  if (policy.fundingRateDays !== null) result.fundingRates = (await prisma.fundingRate.deleteMany({ where: { time: before(now, policy.fundingRateDays) } })).count
  if (policy.openInterestDays !== null) result.openInterest = (await prisma.openInterest.deleteMany({ where: { time: before(now, policy.openInterestDays) } })).count
  return result
}
