// A factor's USD price in a market state, checked: the one lookup the revaluation, the exposures and the venue
// rules share. `USD` is 1 unless the market moves it (a depeg scenario). A missing price is missing data, not the
// caller's input (simulateMargin names a price its request left out before the engine runs).
import { DataUnavailable } from '../core/errors.js'
import type { MarketState } from './types.js'

export function factorPrice(market: MarketState, factor: string, field: string): number {
  const price = factor === 'USD' ? (market.prices.USD ?? 1) : market.prices[factor]
  if (price === undefined) throw new DataUnavailable(`no price for ${factor}`, { at: field })
  if (!(price > 0) || !Number.isFinite(price)) throw new DataUnavailable(`the price of ${factor} must be positive, got ${price}`, { at: field })
  return price
}
