// Turns stored snapshots into the risk engine's plain inputs: RiskAccounts (float64, see docs/methodology.md), the
// USD price of each factor with where it came from, and the venues' own figures. This is where a stored snapshot's
// DecimalStrings become float64 (`float`, once each); the option marks' vols do in implied-vols.ts.
import { canonicalAsset } from '../core/assets.js'
import type { DecimalString } from '../core/decimal.js'
import type { ReportedMargin } from '../risk/capital-efficiency.js'
import type { RiskAccount, RiskBalance, RiskInstrumentKind } from '../risk/types.js'
import { LENDING_DEFAULTS, LINEAR_PERP_DEFAULTS, lendingParamsOver, type GmxPositionRuleParams, type GmxRuleParams, type LendingAssetParams, type LinearPerpParams, type LinearSymbolParams } from '../risk/venue-rules.js'
import type { AccountState } from './state.js'

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

/** The id of the account holding a venue account's spot wallet: the account's own id with this suffix. */
const SPOT_SUFFIX = '#spot'

const RISK_KINDS = new Set<RiskInstrumentKind>(['spot', 'perpetual', 'future', 'option'])

/** A stored decimal as the engine's float64 (the nearest double): the one conversion into the engine. */
const float = (value: DecimalString): number => Number(value)

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
  switch (state.account.venue) {
    case 'gmx-v2':
      return gmxRuleParams(state)
    case 'dydx-v4':
      return dydxRuleParams(state)
    case 'hyperliquid':
      return hyperliquidRuleParams(state)
    case 'binance':
      return binanceRuleParams(state)
    default:
      return lendingRuleParams(state)
  }
}

/**
 * A Binance USDⓈ-M account's own rates per symbol for the engine's linear rule: the symbol's maintenance brackets
 * (MM = |notional| × rate − cum of the bracket the notional is in, as Binance computes it) and IM over notional at
 * the position's leverage, as its connector stored them. Rows without brackets (COIN-M, portfolio margin) keep the
 * defaults.
 */
function binanceRuleParams(state: AccountState): LinearPerpParams | undefined {
  type Row = { symbol?: string; notional?: string; initialMargin?: string | null; brackets?: { notionalCap: string; maintMarginRatio: string; cum: string }[] }
  const rows = detailRows<Row>(state)
  if (!rows) return undefined
  const symbols: Record<string, LinearSymbolParams> = {}
  for (const row of rows) {
    const notional = Math.abs(Number(row.notional))
    if (!row.symbol || !Array.isArray(row.brackets) || row.brackets.length === 0 || row.initialMargin == null || !(notional > 0)) continue
    const brackets = row.brackets.map((b) => ({ notionalCap: Number(b.notionalCap), maintenanceRate: Number(b.maintMarginRatio), maintenanceAmount: Number(b.cum) }))
    symbols[row.symbol] = { initialRate: Number(row.initialMargin) / notional, maintenanceRate: brackets[0]!.maintenanceRate, brackets }
  }
  // An isolated position's own margin: Binance's isolatedWallet (its equity is that wallet + its unrealised P&L).
  const isolated = isolatedMargins(state, (raw) => (raw as { isolatedWallet?: string } | null)?.isolatedWallet, () => 0)
  return linearParamsOver(symbols, isolated)
}

/**
 * Each isolated position's margin for the linear rule, as a balance (margin + unrealised P&L = its equity): the
 * venue's figure from the position's raw answer, plus `entryTerm` where the venue nets it of the entry notional.
 */
function isolatedMargins(state: AccountState, figure: (raw: unknown) => string | undefined, entryTerm: (size: number, entry: number) => number): NonNullable<LinearPerpParams['isolated']> {
  const isolated: NonNullable<LinearPerpParams['isolated']> = {}
  for (const p of state.positions) {
    const value = figure(p.raw)
    if (p.marginMode !== 'isolated' || value === undefined || p.entryPrice === null) continue
    isolated[p.instrument.venueSymbol] = { margin: Number(value) + entryTerm(float(p.size), float(p.entryPrice)) }
  }
  return isolated
}

/** An account's own linear-rule rates (by venue symbol) and isolated margins, laid over the defaults. */
function linearParamsOver(symbols: Record<string, LinearSymbolParams>, isolated?: LinearPerpParams['isolated']): LinearPerpParams {
  return { ...LINEAR_PERP_DEFAULTS, symbols: { ...LINEAR_PERP_DEFAULTS.symbols, ...symbols }, ...(isolated ? { isolated } : {}) }
}

/** The stored details array of a perpetual venue's replication (one row per position), or null. */
function detailRows<T>(state: AccountState): T[] | null {
  const details = state.margins.replicated?.details
  return Array.isArray(details) ? (details as T[]) : null
}

/**
 * A dYdX subaccount's own fractions per market for the engine's linear rule: the open-interest-scaled IMF and the
 * MMF its connector stored (dYdX margins |notional| × fraction, so they hold as prices move), over the defaults
 * for markets it does not trade. Undefined when the snapshot stated none.
 */
function dydxRuleParams(state: AccountState): LinearPerpParams | undefined {
  const rows = detailRows<{ market?: string; imf?: string; mmf?: string }>(state)
  if (!rows) return undefined
  const symbols: Record<string, LinearSymbolParams> = {}
  for (const row of rows) {
    if (row.market && row.imf !== undefined && row.mmf !== undefined) symbols[row.market] = { initialRate: Number(row.imf), maintenanceRate: Number(row.mmf) }
  }
  return linearParamsOver(symbols)
}

/**
 * A Hyperliquid account's own margins per coin for the engine's linear rule: initial margin at the position's
 * leverage, maintenance from the asset's margin table (value × rate − deduction, by tier), as its connector stored
 * them, and each isolated position's own margin, so it is liquidated on its own. Undefined when the snapshot
 * stated none.
 */
function hyperliquidRuleParams(state: AccountState): LinearPerpParams | undefined {
  type Row = { coin?: string; leverage?: string; brackets?: { upTo: string | null; rate: string; deduction: string }[] }
  const rows = detailRows<Row>(state)
  if (!rows) return undefined
  const symbols: Record<string, LinearSymbolParams> = {}
  for (const row of rows) {
    if (!row.coin || row.leverage === undefined || !Array.isArray(row.brackets) || row.brackets.length === 0) continue
    const initialRate = 1 / Number(row.leverage)
    symbols[row.coin] = {
      initialRate,
      maintenanceRate: Number(row.brackets[0]!.rate),
      // The last tier has no bound; the rule carries its last bracket past its cap.
      brackets: row.brackets.map((b) => ({ notionalCap: b.upTo === null ? Number.MAX_VALUE : Number(b.upTo), maintenanceRate: Number(b.rate), maintenanceAmount: Number(b.deduction), initialRate })),
    }
  }
  // An isolated position's own margin: its raw USD (margin net of the entry notional) + size × entry, so margin +
  // unrealised P&L = raw USD + size × mark, its value as Hyperliquid counts it.
  const isolated = isolatedMargins(state, (raw) => (raw as { leverage?: { rawUsd?: string } } | null)?.leverage?.rawUsd, (size, entry) => size * entry)
  return linearParamsOver(symbols, isolated)
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
    const weight = float(balance.valueUsd ?? balance.amount)
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
      collateralAmount: float(collateral.amount),
      // Costs count against the position, and so does a negative closing impact.
      fixedCostsUsd: Number(p.replicated.costsUsd) - Number(p.replicated.priceImpactUsd),
    })
  }
  return { positions, markets, minCollateralUsd: Number(details.minCollateralUsd), storedBalances: state.balances.map((b) => riskBalance(state.account.id, b)) }
}

/** A stored balance as the engine holds it: its factor and basis, debt negative. */
function riskBalance(accountId: string, balance: AccountState['balances'][number]): RiskBalance {
  const canonical = canonicalAsset(balance.asset)
  const amount = float(balance.amount)
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
    // A venue's spot wallet beside its margin account (Hyperliquid's spot balances, flagged `spot`) is the owner's
    // and moves the book, but margins nothing: it is its own account here, so the venue's rule does not count it.
    const spotAccount: RiskAccount = { id: `${account.id}${SPOT_SUFFIX}`, venue: account.venue, label: `${account.label} (spot)`, marginMode: null, positions: [], balances: [] }
    for (const balance of balances) {
      const canonical = canonicalAsset(balance.asset)
      if (balance.flags.includes('spot')) spotAccount.balances.push(riskBalance(spotAccount.id, balance))
      else riskAccount.balances.push(riskBalance(account.id, balance))
      if (balance.priceUsd !== null && canonical.factor !== 'USD') {
        observe(prices, canonical.factor, { priceUsd: float(balance.priceUsd), source: `${account.venue} price of ${balance.asset}`, asOf: snapshot.asOf })
      }
    }
    for (const position of positions) {
      const instrument = position.instrument
      if (!RISK_KINDS.has(instrument.kind as RiskInstrumentKind)) continue
      const underlying = canonicalAsset(instrument.underlying).factor
      riskAccount.positions.push({
        id: position.id,
        accountId: account.id,
        size: float(position.size),
        entryPrice: position.entryPrice === null ? null : float(position.entryPrice),
        instrument: {
          symbol: instrument.venueSymbol,
          kind: instrument.kind as RiskInstrumentKind,
          underlying,
          inverse: instrument.inverse,
          expiryMs: instrument.expiry?.getTime() ?? null,
          strike: instrument.strike === null ? null : float(instrument.strike),
          optionType: instrument.optionType === 'call' || instrument.optionType === 'put' ? instrument.optionType : null,
        },
      })
      if (position.markPrice !== null && instrument.kind !== 'option') {
        // Linear USDⓈ-M marks are in USDT; taken at par here, the USDT depeg is its own factor.
        observe(prices, underlying, { priceUsd: float(position.markPrice), source: `${account.venue} mark of ${instrument.venueSymbol}`, asOf: snapshot.asOf })
      }
    }
    accounts.push(riskAccount)
    if (spotAccount.balances.length > 0) accounts.push(spotAccount)
    const params = ruleParams(state)
    if (params !== undefined) ruleParamsById[account.id] = params
  }
  return { accounts, prices, ruleParams: ruleParamsById }
}

/**
 * The venues' own margin figures per account id, in USD: stablecoin figures at par, coin figures (Deribit's BTC,
 * COIN-M's margin asset) at the coin's price; a currency with no price leaves the account to its rule's estimate.
 */
export function reportedMarginsUsd(states: AccountState[], prices: Record<string, number>): Record<string, ReportedMargin> {
  const reported: Record<string, ReportedMargin> = {}
  for (const { account, margins } of states) {
    const figures = margins.reported
    if (!figures) continue
    const factor = canonicalAsset(figures.currency).factor
    const usdPerUnit = factor === 'USD' ? 1 : prices[factor]
    if (usdPerUnit === undefined) continue
    const usd = (d: DecimalString | null) => (d === null ? undefined : float(d) * usdPerUnit)
    reported[account.id] = Object.fromEntries(
      Object.entries({ initialMargin: usd(figures.initialMargin), maintenanceMargin: usd(figures.maintenanceMargin), equity: usd(figures.equity) }).filter(([, v]) => v !== undefined),
    )
  }
  return reported
}

export interface UnvaluedHolding {
  accountId: string
  asset: string
  amount: number
}

/**
 * Holdings nothing prices (no venue states a price, no history covers the factor: a spot token on Hyperliquid, say)
 * set aside, so one obscure token does not stop the whole portfolio's risk: they count as worth nothing, which can
 * only understate equity, and are listed. A debt in such an asset is kept (leaving it out would overstate equity):
 * the engine then refuses the portfolio, naming the asset.
 */
export function setAsideUnpriced(accounts: RiskAccount[], prices: Record<string, number>): { accounts: RiskAccount[]; unvalued: UnvaluedHolding[] } {
  const unvalued: UnvaluedHolding[] = []
  const priced = (asset: string) => asset === 'USD' || prices[asset] !== undefined
  const kept = accounts.map((account) => {
    const balances = account.balances.filter((b) => {
      if (priced(b.asset) || b.amount < 0) return true
      unvalued.push({ accountId: account.id, asset: b.asset, amount: b.amount })
      return false
    })
    return balances.length === account.balances.length ? account : { ...account, balances }
  })
  return { accounts: kept, unvalued }
}
