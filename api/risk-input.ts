// Turns stored snapshots into the risk engine's plain inputs: RiskAccounts (float64, see docs/methodology.md)
// and the USD price of each factor with where it came from. This is the only place stored decimals become floats.
import { canonicalAsset } from '../core/assets.js'
import type { RiskAccount, RiskInstrumentKind } from '../risk/types.js'
import type { AccountState } from './portfolio-state.js'

export interface PriceObservation {
  priceUsd: number
  source: string
  asOf: Date
}

export interface PortfolioRiskInput {
  accounts: RiskAccount[]
  prices: Map<string, PriceObservation>
}

const RISK_KINDS = new Set<RiskInstrumentKind>(['spot', 'perpetual', 'future', 'option'])

function observe(prices: Map<string, PriceObservation>, factor: string, observation: PriceObservation): void {
  const current = prices.get(factor)
  // The freshest observation wins; an on-chain oracle and a CEX mark of the same age both qualify.
  if (!current || observation.asOf.getTime() > current.asOf.getTime()) prices.set(factor, observation)
}

export function toRiskInput(states: AccountState[]): PortfolioRiskInput {
  const prices = new Map<string, PriceObservation>()
  prices.set('USD', { priceUsd: 1, source: 'definition', asOf: new Date(0) })
  const accounts: RiskAccount[] = []
  for (const { account, snapshot, positions, balances } of states) {
    if (!snapshot) continue
    const riskAccount: RiskAccount = { id: account.id, venue: account.venue, label: account.label, marginMode: null, positions: [], balances: [] }
    for (const balance of balances) {
      const canonical = canonicalAsset(balance.asset)
      const amount = Number(balance.amount.toFixed())
      riskAccount.balances.push({
        accountId: account.id,
        asset: canonical.factor,
        basisFactor: canonical.basisFactor,
        amount: balance.kind === 'debt' ? -amount : amount,
      })
      if (balance.priceUsd !== null && canonical.factor !== 'USD') {
        observe(prices, canonical.factor, { priceUsd: Number(balance.priceUsd.toFixed()), source: `${account.venue} price of ${balance.asset}`, asOf: snapshot.asOf })
      }
    }
    for (const position of positions) {
      const instrument = position.instrument
      if (!RISK_KINDS.has(instrument.kind as RiskInstrumentKind)) continue
      const underlying = canonicalAsset(instrument.underlying).factor
      riskAccount.positions.push({
        id: position.id,
        accountId: account.id,
        size: Number(position.size.toFixed()),
        entryPrice: position.entryPrice === null ? null : Number(position.entryPrice.toFixed()),
        instrument: {
          symbol: instrument.venueSymbol,
          kind: instrument.kind as RiskInstrumentKind,
          underlying,
          inverse: instrument.inverse,
          expiryMs: instrument.expiry?.getTime() ?? null,
          strike: instrument.strike === null ? null : Number(instrument.strike.toFixed()),
          optionType: instrument.optionType === 'call' || instrument.optionType === 'put' ? instrument.optionType : null,
        },
      })
      if (position.markPrice !== null && instrument.kind !== 'option') {
        // Linear USDⓈ-M marks are in USDT; taken at par here, the USDT depeg is its own factor.
        observe(prices, underlying, { priceUsd: Number(position.markPrice.toFixed()), source: `${account.venue} mark of ${instrument.venueSymbol}`, asOf: snapshot.asOf })
      }
    }
    accounts.push(riskAccount)
  }
  return { accounts, prices }
}
