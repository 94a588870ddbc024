// Portfolio exposures per canonical asset (`Portfolio.exposures`): the risk engine's exposures (risk/exposures.ts), on
// the market the risk report values the same book at, shaped per asset and per account.
import { Decimal, toDecimalString, type DecimalString } from '../core/decimal.js'
import { computeExposures } from '../risk/exposures.js'
import type { MarketState, RiskAccount, RiskPosition } from '../risk/types.js'
import { portfolioMarket } from './risk-context.js'
import { toRiskInput } from './risk-input.js'
import type { PortfolioSources } from './sources.js'
import { loadPortfolioState } from './state.js'

export interface AssetExposureView {
  asset: string
  priceUsd: DecimalString | null
  priceSource: string | null
  byVenue: { venue: string; accountId: string; units: DecimalString; usd: DecimalString | null }[]
  netUnits: DecimalString
  netUsd: DecimalString | null
  grossUnits: DecimalString
  grossUsd: DecimalString | null
  /** Why the USD figures are null: nothing prices the asset. A USD figure is never made up as 0. */
  usdNullReason: string | null
}

// Units are rounded to 1e-12 and USD to cents: float64 deltas carry ~15 significant digits.
const UNIT_DP = 12
const USD_DP = 2

/**
 * The accounts with only the options the engine can value: a strike, an expiry, a type, an implied vol and a priced
 * underlying. Any other option adds nothing here (a delta cannot be guessed); the risk report refuses such a book.
 */
function withValuedOptions(accounts: RiskAccount[], market: MarketState): RiskAccount[] {
  const valued = ({ instrument: i }: RiskPosition) =>
    i.kind !== 'option' ||
    (i.strike !== null && i.expiryMs !== null && i.optionType !== null && market.prices[i.underlying] !== undefined &&
      (market.impliedVols[i.symbol] !== undefined || market.volSurfaces[i.underlying] !== undefined))
  return accounts.map((a) => (a.positions.every(valued) ? a : { ...a, positions: a.positions.filter(valued) }))
}

/**
 * Each asset's exposure, netted across accounts, with each account's part in the accounts' order. USD and basis
 * spreads (WBTC-BTC, USDC-USD) are factors, not assets: the risk report's exposures list those. A holding nothing
 * prices has its units and no price.
 */
export function assetExposures(accounts: RiskAccount[], market: MarketState, priceSources: Record<string, string>): AssetExposureView[] {
  const order = new Map(accounts.map((a, i) => [a.id, i]))
  return computeExposures(withValuedOptions(accounts, market), market)
    .filter((e) => e.factor !== 'USD' && !e.factor.includes('-'))
    .map((e) => {
      const price = Number.isFinite(e.price) ? e.price : null
      const usd = (units: Decimal) => (price !== null ? toDecimalString(units.mul(price), USD_DP) : null)
      const rows = [...e.byAccount]
        .sort((x, y) => order.get(x.accountId)! - order.get(y.accountId)!)
        .map((r) => ({ accountId: r.accountId, venue: r.venue, units: new Decimal(r.units).toDecimalPlaces(UNIT_DP) }))
      const net = rows.reduce((sum, r) => sum.plus(r.units), new Decimal(0))
      const gross = rows.reduce((sum, r) => sum.plus(r.units.abs()), new Decimal(0))
      return {
        asset: e.factor,
        priceUsd: price === null ? null : toDecimalString(new Decimal(price)),
        priceSource: price === null ? null : (priceSources[e.factor] ?? null),
        byVenue: rows.map((r) => ({ venue: r.venue, accountId: r.accountId, units: toDecimalString(r.units), usd: usd(r.units) })),
        netUnits: toDecimalString(net),
        netUsd: usd(net),
        grossUnits: toDecimalString(gross),
        grossUsd: usd(gross),
        usdNullReason: price === null ? `nothing prices ${e.factor}: no venue states a price and no daily history has one` : null,
      }
    })
}

/** A stored portfolio's exposures from each account's latest good snapshot; no price history is needed. */
export async function portfolioExposures(sources: PortfolioSources, portfolioId: string): Promise<AssetExposureView[]> {
  const states = await loadPortfolioState(sources, portfolioId)
  const { accounts, prices } = toRiskInput(states)
  const history = sources.priceHistory ? await sources.priceHistory() : null
  const { market, priceSources } = await portfolioMarket(sources, states, prices, history)
  return assetExposures(accounts, market, priceSources)
}
