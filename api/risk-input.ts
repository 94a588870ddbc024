// Turns stored snapshots into the risk engine's plain inputs: RiskAccounts (float64, see docs/methodology.md)
// and the USD price of each factor with where it came from. This is the only place stored decimals become floats.
import { canonicalAsset } from '../core/assets.js'
import type { RiskAccount, RiskBalance, RiskInstrumentKind } from '../risk/types.js'
import { LENDING_DEFAULTS, lendingParamsOver, type GmxPositionRuleParams, type GmxRuleParams, type LendingAssetParams } from '../risk/venue-rules.js'
import type { AccountState } from './portfolio-state.js'

export interface PriceObservation {
  priceUsd: number
  source: string
  asOf: Date
}

export interface PortfolioRiskInput {
  accounts: RiskAccount[]
  prices: Map<string, PriceObservation>
  /** Per account id, its own parameters for its venue's rule, where its snapshot states them (see ruleParams). */
  ruleParams: Record<string, unknown>
}

const RISK_KINDS = new Set<RiskInstrumentKind>(['spot', 'perpetual', 'future', 'option'])

function observe(prices: Map<string, PriceObservation>, factor: string, observation: PriceObservation): void {
  const current = prices.get(factor)
  // The freshest observation wins; an on-chain oracle and a CEX mark of the same age both qualify.
  if (!current || observation.asOf.getTime() > current.asOf.getTime()) prices.set(factor, observation)
}

interface StoredCollateralFactor {
  asset: string
  ltv: string
  liquidationThreshold: string
}

/**
 * An account's own parameters for its venue's rule in the risk engine, from what its latest snapshot stored; undefined
 * where there are none (the rule's defaults apply).
 */
export function ruleParams(state: AccountState): unknown {
  return state.account.venue === 'gmx-v2' ? gmxRuleParams(state) : lendingRuleParams(state)
}

/**
 * A lending account's own parameters for the engine's lending rule, from the collateral factors its connector stored
 * (`details.collateralFactors`: this user's LTV and liquidation threshold per supplied asset, e-mode and switched-off
 * collateral applied), laid over the venue's defaults. Several venue assets of one factor are weighted by value,
 * which is exact while they move with the factor's price. Undefined when the venue has no lending rule or the
 * snapshot states no factors.
 */
function lendingRuleParams(state: AccountState): unknown {
  const defaults = LENDING_DEFAULTS[state.account.venue]
  const stored = (state.margins.replicated?.details as { collateralFactors?: StoredCollateralFactor[] } | null | undefined)?.collateralFactors
  if (!defaults || !Array.isArray(stored)) return undefined
  const bySymbol = new Map(stored.map((f) => [f.asset, f]))
  const sums = new Map<string, { weight: number; ltv: number; lt: number }>()
  for (const balance of state.balances) {
    const factors = balance.kind === 'collateral' ? bySymbol.get(balance.asset) : undefined
    if (!factors) continue
    const factor = canonicalAsset(balance.asset).factor
    const weight = Number((balance.valueUsd ?? balance.amount).toFixed())
    const sum = sums.get(factor) ?? { weight: 0, ltv: 0, lt: 0 }
    sum.weight += weight
    sum.ltv += weight * Number(factors.ltv)
    sum.lt += weight * Number(factors.liquidationThreshold)
    sums.set(factor, sum)
  }
  const own: Record<string, LendingAssetParams> = {}
  for (const [factor, sum] of sums) if (sum.weight > 0) own[factor] = { ltv: sum.ltv / sum.weight, lt: sum.lt / sum.weight }
  return lendingParamsOver(defaults, own)
}

interface StoredGmxPosition {
  positionKey?: string
  marketName?: string
  isLong?: boolean
  params?: { minCollateralFactor: string; minCollateralFactorForLiquidation: string }
  replicated?: { costsUsd: string; priceImpactUsd: string }
}

/**
 * A GMX account's isolated positions for the engine's GMX rule, from what the connector stored: each position's
 * collateral (the balance carrying its position key), its fees and closing impact (held fixed), its market's
 * factors, MIN_COLLATERAL_USD, and the balances as stored, against which a what-if's moves are measured. A position
 * stored without them (a market that could not be valued) leaves the account to the fallback fractions.
 */
function gmxRuleParams(state: AccountState): GmxRuleParams | undefined {
  const details = state.margins.replicated?.details as { positions?: StoredGmxPosition[]; minCollateralUsd?: string } | null | undefined
  if (!Array.isArray(details?.positions) || details.minCollateralUsd === undefined) return undefined
  const positions: GmxPositionRuleParams[] = []
  const markets: GmxRuleParams['markets'] = {}
  for (const p of details.positions) {
    const collateral = state.balances.find((b) => b.kind === 'collateral' && (b.raw as { positionKey?: string } | null)?.positionKey === p.positionKey)
    if (!p.replicated || !p.params || !p.marketName || p.isLong === undefined || !collateral) return undefined
    markets[p.marketName] = { minCollateralFactor: Number(p.params.minCollateralFactor), minCollateralFactorForLiquidation: Number(p.params.minCollateralFactorForLiquidation) }
    positions.push({
      symbol: p.marketName,
      isLong: p.isLong,
      collateralAsset: canonicalAsset(collateral.asset).factor,
      collateralAmount: Number(collateral.amount.toFixed()),
      // Costs count against the position, and so does a negative closing impact.
      fixedCostsUsd: Number(p.replicated.costsUsd) - Number(p.replicated.priceImpactUsd),
    })
  }
  return { positions, markets, minCollateralUsd: Number(details.minCollateralUsd), storedBalances: state.balances.map((b) => riskBalance(state.account.id, b)) }
}

/** A stored balance as the engine holds it: its factor and basis, debt negative. */
function riskBalance(accountId: string, balance: AccountState['balances'][number]): RiskBalance {
  const canonical = canonicalAsset(balance.asset)
  const amount = Number(balance.amount.toFixed())
  return { accountId, asset: canonical.factor, basisFactor: canonical.basisFactor, amount: balance.kind === 'debt' ? -amount : amount }
}

export function toRiskInput(states: AccountState[]): PortfolioRiskInput {
  const ruleParamsById: Record<string, unknown> = {}
  const prices = new Map<string, PriceObservation>()
  prices.set('USD', { priceUsd: 1, source: 'definition', asOf: new Date(0) })
  const accounts: RiskAccount[] = []
  for (const state of states) {
    const { account, snapshot, positions, balances } = state
    if (!snapshot) continue
    const riskAccount: RiskAccount = { id: account.id, venue: account.venue, label: account.label, marginMode: null, positions: [], balances: [] }
    for (const balance of balances) {
      const canonical = canonicalAsset(balance.asset)
      riskAccount.balances.push(riskBalance(account.id, balance))
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
    const params = ruleParams(state)
    if (params !== undefined) ruleParamsById[account.id] = params
  }
  return { accounts, prices, ruleParams: ruleParamsById }
}
