// Portfolio exposures per canonical asset: each account's delta (units of the asset), then summed across venues.
import { Decimal } from '../core/decimal.js'
import type { RiskAccount } from '../risk/types.js'
import { toRiskInput } from './risk-input.js'
import type { AccountState } from './portfolio-state.js'

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

/** Units of each factor an account holds: balances (debt negative) and linear positions' signed size. */
function accountDeltas(account: RiskAccount): { factor: string; units: number }[] {
  return [
    ...account.balances.map((b) => ({ factor: b.asset, units: b.amount })),
    ...account.positions.filter((p) => p.instrument.kind !== 'option').map((p) => ({ factor: p.instrument.underlying, units: p.size })),
  ]
}

export function portfolioExposures(states: AccountState[]): AssetExposureView[] {
  const { accounts, prices } = toRiskInput(states)
  const venueOf = new Map(accounts.map((a) => [a.id, a.venue]))
  const perAsset = new Map<string, Map<string, number>>()
  for (const account of accounts) {
    for (const delta of accountDeltas(account)) {
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
