// Portfolio exposures per canonical asset: each account's delta (units of the asset), then summed across venues.
import { Decimal } from '../core/decimal.js'
import type { RiskAccount } from '../risk/types.js'
import { black76Greeks, YEAR_MS } from '../quant/black76.js'
import { toRiskInput } from './risk-input.js'
import type { AccountState } from './state.js'

export interface AssetExposureView {
  asset: string
  priceUsd: string | null
  priceSource: string | null
  byVenue: { venue: string; accountId: string; units: string; usd: string }[]
  netUnits: string
  netUsd: string
  grossUnits: string
  grossUsd: string
}

// Units are rounded to 1e-12 and USD to cents: float64 deltas carry ~15 significant digits.
const UNIT_DP = 12
const USD_DP = 2

/** What options need to become deltas: each option's latest mark IV by instrument name, and the valuation time. */
export interface OptionMarket {
  vols: Record<string, number>
  /** Forward over index per option symbol (risk/types.ts MarketState.forwardRatios); 1 where absent. */
  forwardRatios?: Record<string, number>
  asOfMs: number
}

/**
 * Units of each factor an account holds: balances (debt negative), linear positions' signed size, and options'
 * Black-76 delta × size where the option's mark IV is known, on the forward (the factor's price × the expiry's
 * forward ratio) and turned into units of the factor (dV/dS = dV/dF × ratio).
 * An option without a known IV adds nothing: a delta cannot be guessed.
 */
function accountDeltas(account: RiskAccount, prices: Map<string, { priceUsd: number }>, options: OptionMarket): { factor: string; units: number }[] {
  const deltas = account.balances.map((b) => ({ factor: b.asset, units: b.amount }))
  for (const p of account.positions) {
    if (p.instrument.kind !== 'option') {
      deltas.push({ factor: p.instrument.underlying, units: p.size })
      continue
    }
    const vol = options.vols[p.instrument.symbol]
    const index = prices.get(p.instrument.underlying)?.priceUsd
    if (vol === undefined || index === undefined || p.instrument.strike === null || p.instrument.expiryMs === null || !p.instrument.optionType) continue
    const ratio = options.forwardRatios?.[p.instrument.symbol] ?? 1
    const years = Math.max(0, (p.instrument.expiryMs - options.asOfMs) / YEAR_MS)
    deltas.push({ factor: p.instrument.underlying, units: p.size * black76Greeks(index * ratio, p.instrument.strike, years, vol, p.instrument.optionType).delta * ratio })
  }
  return deltas
}

export function portfolioExposures(states: AccountState[], options: OptionMarket = { vols: {}, asOfMs: Date.now() }): AssetExposureView[] {
  const { accounts, prices } = toRiskInput(states)
  const venueOf = new Map(accounts.map((a) => [a.id, a.venue]))
  const perAsset = new Map<string, Map<string, number>>()
  for (const account of accounts) {
    for (const delta of accountDeltas(account, prices, options)) {
      if (delta.factor === 'USD') continue
      const byAccount = perAsset.get(delta.factor) ?? new Map<string, number>()
      byAccount.set(account.id, (byAccount.get(account.id) ?? 0) + delta.units)
      perAsset.set(delta.factor, byAccount)
    }
  }
  return [...perAsset.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([asset, byAccount]) => {
      const price = prices.get(asset)
      const usd = (units: Decimal) => (price ? units.mul(price.priceUsd) : new Decimal(0))
      const rows = [...byAccount.entries()].map(([accountId, units]) => ({ accountId, venue: venueOf.get(accountId)!, units: new Decimal(units).toDecimalPlaces(UNIT_DP) }))
      const net = rows.reduce((sum, r) => sum.plus(r.units), new Decimal(0))
      const gross = rows.reduce((sum, r) => sum.plus(r.units.abs()), new Decimal(0))
      return {
        asset,
        priceUsd: price ? new Decimal(price.priceUsd).toFixed() : null,
        priceSource: price?.source ?? null,
        byVenue: rows.map((r) => ({ venue: r.venue, accountId: r.accountId, units: r.units.toFixed(), usd: usd(r.units).toFixed(USD_DP) })),
        netUnits: net.toFixed(),
        netUsd: usd(net).toFixed(USD_DP),
        grossUnits: gross.toFixed(),
        grossUsd: usd(gross).toFixed(USD_DP),
      }
    })
}
