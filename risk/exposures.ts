// Positions and balances as sensitivities to risk factors, netted across venues: delta in units and USD (linear
// instruments, balances, option deltas), plus gamma and vega for options. Pure; float64.
import { black76Greeks, YEAR_MS } from '../quant/black76.js'
import { factorPrice } from './prices.js'
import { forwardRatioOf, positionVol } from './revaluation.js'
import type { MarketState, RiskAccount } from './types.js'

export interface FactorExposure {
  factor: string
  price: number
  /** Net delta in units of the factor (collateral and longs positive, debt and shorts negative). */
  netUnits: number
  netUsd: number
  /** Σ |delta| across accounts: what is held without netting. */
  grossUsd: number
  /** Option gamma (units per unit price move) and vega (USD per 1.00 vol), summed. */
  gamma: number
  vega: number
  /** USD per year of time passing (Black-76 theta, forward held). */
  theta: number
  byAccount: { accountId: string; venue: string; units: number; usd: number }[]
}

/** Exposures per factor; the result does not depend on the order of accounts, positions or balances. */
export function computeExposures(accounts: RiskAccount[], market: MarketState): FactorExposure[] {
  const perFactor = new Map<string, Map<string, { venue: string; units: number; gamma: number; vega: number; theta: number }>>()
  const add = (factor: string, accountId: string, venue: string, units: number, gamma = 0, vega = 0, theta = 0) => {
    const byAccount = perFactor.get(factor) ?? new Map()
    const cur = byAccount.get(accountId) ?? { venue, units: 0, gamma: 0, vega: 0, theta: 0 }
    cur.units += units
    cur.gamma += gamma
    cur.vega += vega
    cur.theta += theta
    byAccount.set(accountId, cur)
    perFactor.set(factor, byAccount)
  }
  accounts.forEach((account, a) => {
    account.balances.forEach((b) => {
      add(b.asset, account.id, account.venue, b.amount)
      if (b.basisFactor) add(b.basisFactor, account.id, account.venue, b.amount)
    })
    account.positions.forEach((p, j) => {
      const field = `accounts[${a}].positions[${j}]`
      if (p.instrument.kind !== 'option') return add(p.instrument.underlying, account.id, account.venue, p.size)
      const price = factorPrice(market, p.instrument.underlying, `${field}.instrument`)
      // Greeks on the forward F = price × ratio, turned into the factor's: ∂V/∂S = ratio·∂V/∂F, ∂²V/∂S² = ratio²·∂²V/∂F².
      const ratio = forwardRatioOf(p, market, field)
      const forward = price * ratio
      const t = Math.max(0, (p.instrument.expiryMs! - market.asOfMs) / YEAR_MS)
      const g = black76Greeks(forward, p.instrument.strike!, t, positionVol(p, market, forward, field), p.instrument.optionType!)
      add(p.instrument.underlying, account.id, account.venue, p.size * g.delta * ratio, p.size * g.gamma * ratio * ratio, p.size * g.vega, p.size * g.theta)
    })
  })
  return [...perFactor.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([factor, byAccountMap]) => {
      // Basis factors (WBTC-BTC, USDC-USD) are spreads priced at their parent's price; USD is 1.
      const parent = factor.includes('-') ? factor.split('-')[1]! : factor
      const price = parent === 'USD' ? (market.prices.USD ?? 1) : (market.prices[parent] ?? NaN)
      const byAccount = [...byAccountMap.entries()]
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([accountId, v]) => ({ accountId, venue: v.venue, units: v.units, usd: v.units * price }))
      const netUnits = byAccount.reduce((s, r) => s + r.units, 0)
      return {
        factor,
        price,
        netUnits,
        netUsd: netUnits * price,
        grossUsd: byAccount.reduce((s, r) => s + Math.abs(r.usd), 0),
        gamma: [...byAccountMap.values()].reduce((s, v) => s + v.gamma, 0),
        vega: [...byAccountMap.values()].reduce((s, v) => s + v.vega, 0),
        theta: [...byAccountMap.values()].reduce((s, v) => s + v.theta, 0),
        byAccount,
      }
    })
}
