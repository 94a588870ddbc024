// Venue margin rules as a plug-in point: one `VenueMarginRule` per venue turns an account (positions, balances)
// and a market into the venue's equity, IM, MM and its own metric (health factor or margin ratio).
// Generic rules usable for any venue now (lending, linear perpetuals, a fixed-fraction fallback) and an adapter
// to Deribit's replicated portfolio margin; adapters to the other venues' own margin.ts plug in the same way.
// Pure; float64. Contract every rule keeps: `liquidated` ⇔ equity ≤ maintenanceMargin, so the liquidation search
// (risk/liquidation-distance.ts) can root-find equity − maintenanceMargin (continuous in prices) whatever the metric's
// own shape.
import { DataUnavailable, InvalidInput } from '../core/errors.js'
import { deribitPortfolioMargin, DERIBIT_PM_BTC_PARAMS, DERIBIT_PM_ETH_PARAMS } from '../venues/deribit/margin.js'
import { factorPrice } from './prices.js'
import type { MarketState, RiskAccount, RiskBalance, RiskPosition } from './types.js'

export type VenueMetricKind = 'healthFactor' | 'marginRatio'

export interface VenueMetric {
  /** healthFactor: lower is worse; marginRatio (MM / equity): higher is worse. */
  kind: VenueMetricKind
  /** Infinity when nothing is owed (no debt, no maintenance margin). */
  value: number
  /** The value at which the venue liquidates (1 for both kinds). */
  liquidationAt: number
}

export interface VenueRuleResult {
  venue: string
  /** Currency of equity and margins (`USD` for the generic rules; Deribit's adapter also reports USD). */
  currency: string
  equity: number
  initialMargin: number
  maintenanceMargin: number
  metric: VenueMetric
  liquidated: boolean
}

export interface VenueMarginRule {
  venue: string
  /**
   * The figures at any (shocked) market; liquidation searches call it many times per account, so it stays cheap.
   * `params` (optional) replace the rule's own parameters for this call; each rule validates them.
   */
  evaluate(account: RiskAccount, market: MarketState, params?: unknown): VenueRuleResult
}

export type VenueRuleSet = Record<string, VenueMarginRule>


// ---------------------------------------------------------------------------------------------------------------
// Valuation helpers shared by the generic rules.

/**
 * A basis factor's price is the token's price relative to what it tracks (WBTC-BTC 0.998, USDC-USD 0.88 in a
 * depeg); missing means at par. The balance is worth amount · P(asset) · basis.
 */
export function balanceValueUsd(balance: RiskBalance, market: MarketState, field: string): number {
  if (!Number.isFinite(balance.amount)) throw new DataUnavailable(`a ${balance.asset} balance has no finite amount (${balance.amount})`, { at: `${field}.amount` })
  let value = balance.amount * factorPrice(market, balance.asset, `${field}.asset`)
  if (balance.basisFactor !== null) {
    const basis = market.prices[balance.basisFactor]
    if (basis !== undefined) {
      if (!(basis > 0) || !Number.isFinite(basis)) throw new DataUnavailable(`the price of ${balance.basisFactor} must be positive, got ${basis}`, { at: `${field}.basisFactor` })
      value *= basis
    }
  }
  return value
}

/** Unrealised USD P&L of a delta-one position; inverse contracts too (size·(P − entry) in USD, see revaluation). */
function unrealisedUsd(position: RiskPosition, market: MarketState, field: string): number {
  if (!Number.isFinite(position.size)) throw new DataUnavailable(`the ${position.instrument.symbol} position has no finite size (${position.size})`, { at: `${field}.size` })
  const price = factorPrice(market, position.instrument.underlying, `${field}.instrument`)
  return position.entryPrice === null ? 0 : position.size * (price - position.entryPrice)
}

/**
 * The account with every missing entry price set to today's price: a position without an entry carries no
 * unrealised P&L today (its margin balance is taken as reported), but must lose equity when a scenario moves
 * the price. Liquidation searches and rebalancing plans pin entries before they shock the market.
 */
export function pinEntryPrices(account: RiskAccount, market: MarketState): RiskAccount {
  if (account.positions.every((p) => p.entryPrice !== null)) return account
  return {
    ...account,
    positions: account.positions.map((p, j) => (p.entryPrice !== null ? p : { ...p, entryPrice: factorPrice(market, p.instrument.underlying, `positions[${j}].instrument`) })),
  }
}

/** Factors whose price moves the account: position underlyings, balance assets and basis factors (not USD). */
export function exposedFactors(account: RiskAccount): string[] {
  const out = new Set<string>()
  for (const p of account.positions) out.add(p.instrument.underlying)
  for (const b of account.balances) {
    out.add(b.asset)
    if (b.basisFactor !== null) out.add(b.basisFactor)
  }
  out.delete('USD')
  return [...out].sort()
}

/** Price of `factor` today, with basis factors at par when the market does not quote them. */
export function currentFactorPrice(market: MarketState, factor: string): number {
  if (factor.includes('-') && market.prices[factor] === undefined) return 1
  return factorPrice(market, factor, `prices.${factor}`)
}

/** The market with one factor moved by a relative amount (others fixed). */
export function withFactorMove(market: MarketState, factor: string, move: number): MarketState {
  return { ...market, prices: { ...market.prices, [factor]: currentFactorPrice(market, factor) * (1 + move) } }
}

/**
 * A rule from its parameters' check and its figures. Parameters given to `evaluate` override the rule's own
 * (validated by the same check), so one rule object serves many accounts with their own tiers.
 */
function makeRule<P>(venue: string, params: P, check: (p: P) => void, figures: (p: P, account: RiskAccount, market: MarketState) => VenueRuleResult): VenueMarginRule {
  check(params)
  return {
    venue,
    evaluate(account, market, override) {
      if (override === undefined) return figures(params, account, market)
      check(override as P)
      return figures(override as P, account, market)
    },
  }
}

/** A rule that is also its own factory: `linearPerpRule` applies the defaults, `linearPerpRule(p)` a variant. */
type RuleFactory<P> = VenueMarginRule & ((params?: P, venue?: string) => VenueMarginRule)

function ruleFactory<P>(defaultVenue: string, build: (params: P | undefined, venue: string) => VenueMarginRule): RuleFactory<P> {
  const defaults = build(undefined, defaultVenue)
  return Object.assign((params?: P, venue: string = defaultVenue) => build(params, venue), { venue: defaults.venue, evaluate: defaults.evaluate })
}

// ---------------------------------------------------------------------------------------------------------------
// Lending (Aave-like): HF = Σ collateral·LT / debt, liquidation when HF < 1.

export interface LendingAssetParams {
  /** Loan-to-value: borrowing stops at Σ collateral·LTV = debt. */
  ltv: number
  /** Liquidation threshold: liquidation at Σ collateral·LT = debt. */
  lt: number
}

export interface LendingRuleParams {
  /** Per canonical factor (collateral counts at its factor's LTV/LT). */
  assets: Record<string, LendingAssetParams>
  /** For assets not listed. */
  other: LendingAssetParams
  currency?: string
}

/**
 * Approximate Aave v3 Ethereum-market parameters by canonical factor (WETH 80.5 %/83 %, WBTC 73 %/78 %, USDC
 * 75 %/78 %, LINK 53 %/68 %), for accounts described in a request; stored accounts use the live reserve data
 * through venues/aave-v3/margin.ts.
 */
export const AAVE_DEFAULT_PARAMS: Record<string, LendingAssetParams> = {
  ETH: { ltv: 0.805, lt: 0.83 },
  BTC: { ltv: 0.73, lt: 0.78 },
  USD: { ltv: 0.75, lt: 0.78 },
  LINK: { ltv: 0.53, lt: 0.68 },
}
export const AAVE_DEFAULT_LENDING: LendingRuleParams = { assets: AAVE_DEFAULT_PARAMS, other: { ltv: 0.5, lt: 0.65 } }

function checkLending(params: LendingRuleParams): void {
  if (!params?.assets || !params.other) throw new InvalidInput('params', 'a lending rule needs assets and other')
  for (const [asset, p] of [...Object.entries(params.assets), ['other', params.other] as const]) {
    // lt 0: held but not collateral (switched off by the user, or an asset the market does not take).
    if (!(p.ltv >= 0 && p.lt >= 0 && p.ltv <= p.lt && p.lt < 1)) throw new InvalidInput(`params.assets.${asset}`, `needs 0 ≤ ltv ≤ lt < 1, got ltv ${p.ltv}, lt ${p.lt}`)
  }
}

/**
 * Equity = collateral − debt. IM = Σ collateral·(1 − LTV) and MM = Σ collateral·(1 − LT): the equity the venue
 * makes you keep, so equity − MM = Σ collateral·LT − debt (zero exactly at HF = 1) and equity − IM = the
 * remaining borrow capacity. Debt has no threshold of its own.
 */
export const lendingRule: RuleFactory<LendingRuleParams> = ruleFactory<LendingRuleParams>('aave-v3', (initial = AAVE_DEFAULT_LENDING, venue) =>
  makeRule(venue, initial, checkLending, (params, account, market) => {
    let collateral = 0
    let debt = 0
    let weightedLt = 0
    let weightedLtv = 0
    account.balances.forEach((b, j) => {
      const value = balanceValueUsd(b, market, `balances[${j}]`)
      if (value > 0) {
        const p = params.assets[b.asset] ?? params.other
        collateral += value
        weightedLt += value * p.lt
        weightedLtv += value * p.ltv
      } else debt -= value
    })
    account.positions.forEach((p, j) => {
      throw new InvalidInput(`positions[${j}]`, `a lending account holds balances only, got ${p.instrument.symbol}`)
    })
    const mm = collateral - weightedLt
    const equity = collateral - debt
    return {
      venue,
      currency: params.currency ?? 'USD',
      equity,
      initialMargin: collateral - weightedLtv,
      maintenanceMargin: mm,
      metric: { kind: 'healthFactor', value: debt > 0 ? weightedLt / debt : Infinity, liquidationAt: 1 },
      liquidated: debt > 0 && equity <= mm,
    }
  }),
)

/** Aave v3 with the default parameters above. */
export const aaveRule: VenueMarginRule = lendingRule(AAVE_DEFAULT_LENDING, 'aave-v3')

/**
 * Compound III's cUSDCv3 on Ethereum as launched: borrow and liquidate collateral factors as `ltv` and `lt`
 * (compound-finance/comet, deployments/mainnet/usdc/configuration.json: WETH 0.82/0.90, WBTC 0.70/0.78,
 * LINK 0.79/0.87, UNI 0.75/0.83, COMP 0.65/0.73). Comet's isLiquidatable is this rule: liquidatable when
 * Σ collateral·liquidateCF < debt. The base asset is never collateral (supplied base and debt cannot coexist), nor is
 * an asset the market does not list. Stored accounts use their market's live factors (venues/compound-v3).
 */
export const COMPOUND_DEFAULT_LENDING: LendingRuleParams = {
  assets: { ETH: { ltv: 0.82, lt: 0.9 }, BTC: { ltv: 0.7, lt: 0.78 }, LINK: { ltv: 0.79, lt: 0.87 }, UNI: { ltv: 0.75, lt: 0.83 }, COMP: { ltv: 0.65, lt: 0.73 }, USD: { ltv: 0, lt: 0 } },
  other: { ltv: 0, lt: 0 },
}
export const compoundRule: VenueMarginRule = lendingRule(COMPOUND_DEFAULT_LENDING, 'compound-v3')

/** The lending rules' defaults by venue: what an account's own factors are laid over. */
export const LENDING_DEFAULTS: Record<string, LendingRuleParams> = { 'aave-v3': AAVE_DEFAULT_LENDING, 'compound-v3': COMPOUND_DEFAULT_LENDING }

/**
 * A lending account's own collateral factors (venue details, see api/rule-params.ts) laid over a rule's defaults:
 * listed factors take the account's, others keep the defaults (an asset a what-if brings in).
 */
export function lendingParamsOver(defaults: LendingRuleParams, own: Record<string, LendingAssetParams>): LendingRuleParams {
  return { ...defaults, assets: { ...defaults.assets, ...own } }
}

// ---------------------------------------------------------------------------------------------------------------
// Linear perpetuals (Binance-like): MM per position = notional·rate − maintenance amount ("cum") of its bracket,
// margin ratio = MM / margin balance, liquidation at 100 %.

export interface MarginBracket {
  /** The bracket applies to notionals in (floor, cap]; the first bracket's floor is 0. */
  notionalCap: number
  maintenanceRate: number
  /** Binance's `cum`: makes MM continuous across brackets (cum_k = cum_{k−1} + cap_{k−1}·(rate_k − rate_{k−1})). */
  maintenanceAmount: number
  /** Initial rate in this bracket (1 / max leverage); the symbol's initialRate when absent. */
  initialRate?: number
}

export interface LinearSymbolParams {
  initialRate: number
  maintenanceRate: number
  /** Brackets by notional, ascending; when given they replace maintenanceRate. */
  brackets?: MarginBracket[]
}

export interface LinearPerpParams {
  /** Keyed by the venue symbol (`BTCUSDT`) or, failing that, the underlying (`BTC`). */
  symbols: Record<string, LinearSymbolParams>
  other: LinearSymbolParams
  currency?: string
  /**
   * Positions in isolated margin, by venue symbol: the margin set aside for each, as a balance (net of its entry
   * notional, so margin + its unrealised P&L is its equity). Each is then liquidated on its own, the cross
   * positions on what the balances keep beyond these margins.
   */
  isolated?: Record<string, { margin: number }>
}

/**
 * Binance USDⓈ-M tier-1 maintenance rates (BTC 0.4 %, ETH 0.5 %, others 1 %) at 20× leverage (IM 5 %), the
 * defaults for accounts described in a request; stored Binance USDⓈ-M, dYdX and Hyperliquid accounts lay their
 * own rates over them (portfolio/risk-input.ts).
 */
export const LINEAR_PERP_DEFAULTS: LinearPerpParams = {
  symbols: { BTC: { initialRate: 0.05, maintenanceRate: 0.004 }, ETH: { initialRate: 0.05, maintenanceRate: 0.005 } },
  other: { initialRate: 0.05, maintenanceRate: 0.01 },
}

function checkLinear(params: LinearPerpParams): void {
  if (!params?.symbols || !params.other) throw new InvalidInput('params', 'a linear perpetual rule needs symbols and other')
  for (const [symbol, p] of [...Object.entries(params.symbols), ['other', params.other] as const]) {
    const field = `params.symbols.${symbol}`
    if (!(p.initialRate > 0 && p.initialRate <= 1)) throw new InvalidInput(`${field}.initialRate`, `must be in (0, 1], got ${p.initialRate}`)
    if (!(p.maintenanceRate >= 0 && p.maintenanceRate < 1)) throw new InvalidInput(`${field}.maintenanceRate`, `must be in [0, 1), got ${p.maintenanceRate}`)
    p.brackets?.forEach((b, k) => {
      if (!(b.maintenanceRate >= 0 && b.maintenanceRate < 1)) throw new InvalidInput(`${field}.brackets[${k}].maintenanceRate`, `must be in [0, 1), got ${b.maintenanceRate}`)
      if (k > 0 && !(b.notionalCap > p.brackets![k - 1]!.notionalCap)) throw new InvalidInput(`${field}.brackets[${k}].notionalCap`, 'brackets must ascend')
    })
  }
  for (const [symbol, i] of Object.entries(params.isolated ?? {})) {
    if (!Number.isFinite(i.margin)) throw new InvalidInput(`params.isolated.${symbol}.margin`, `must be a finite number, got ${i.margin}`)
  }
}

/** MM and IM of one notional under a symbol's parameters (last bracket extends past its cap). */
export function linearMargins(p: LinearSymbolParams, notional: number): { initialMargin: number; maintenanceMargin: number } {
  if (!p.brackets || p.brackets.length === 0) return { initialMargin: notional * p.initialRate, maintenanceMargin: notional * p.maintenanceRate }
  const bracket = p.brackets.find((b) => notional <= b.notionalCap) ?? p.brackets[p.brackets.length - 1]!
  return { initialMargin: notional * (bracket.initialRate ?? p.initialRate), maintenanceMargin: Math.max(0, notional * bracket.maintenanceRate - bracket.maintenanceAmount) }
}

export const linearPerpRule: RuleFactory<LinearPerpParams> = ruleFactory<LinearPerpParams>('binance', (initial = LINEAR_PERP_DEFAULTS, venue) =>
  makeRule(venue, initial, checkLinear, (params, account, market) => {
    let im = 0
    let crossMm = 0
    let equity = 0
    // Isolated positions: each its own equity and maintenance margin, liquidated alone.
    const isolated: { equity: number; mm: number }[] = []
    account.balances.forEach((b, j) => (equity += balanceValueUsd(b, market, `balances[${j}]`)))
    let crossEquity = equity
    account.positions.forEach((p, j) => {
      const field = `positions[${j}]`
      if (p.instrument.kind === 'option') throw new InvalidInput(`${field}.instrument.kind`, `linearPerpRule does not value options (${p.instrument.symbol}); use the venue's own rule`)
      const pnl = unrealisedUsd(p, market, field)
      equity += pnl
      const s = params.symbols[p.instrument.symbol] ?? params.symbols[p.instrument.underlying] ?? params.other
      const m = linearMargins(s, Math.abs(p.size) * factorPrice(market, p.instrument.underlying, `${field}.instrument`))
      im += m.initialMargin
      const own = params.isolated?.[p.instrument.symbol]
      if (own) {
        crossEquity -= own.margin
        isolated.push({ equity: own.margin + pnl, mm: m.maintenanceMargin })
      } else {
        crossEquity += pnl
        crossMm += m.maintenanceMargin
      }
    })
    // Without isolated positions MM is the cross maintenance margin. With them, to keep every rule's contract
    // (liquidated ⇔ equity ≤ MM), MM is the equity at which the first part goes: equity − the smallest buffer
    // (the cross book's counts only while it holds positions: a cross book with none cannot be liquidated).
    const buffers = [...(crossMm > 0 || isolated.length === 0 ? [crossEquity - crossMm] : []), ...isolated.map((i) => i.equity - i.mm)]
    const lowest = Math.min(...buffers)
    const mm = isolated.length === 0 ? crossMm : equity - lowest
    return {
      venue,
      currency: params.currency ?? 'USD',
      equity,
      initialMargin: im,
      maintenanceMargin: mm,
      // Binance: margin ratio = MM / margin balance; an account with no equity left is at or past 100 %.
      metric: { kind: 'marginRatio', value: equity > 0 ? mm / equity : mm > 0 || equity < 0 ? Infinity : 0, liquidationAt: 1 },
      liquidated: isolated.length === 0 ? mm > 0 && equity <= mm : lowest <= 0,
    }
  }),
)

// ---------------------------------------------------------------------------------------------------------------
// Fallback: fixed fractions of gross notional, for venues with no rule yet.

export interface FallbackParams {
  initialFraction: number
  maintenanceFraction: number
  currency?: string
}

export const FALLBACK_DEFAULTS: FallbackParams = { initialFraction: 0.1, maintenanceFraction: 0.05 }

/** IM, MM = fraction × Σ|size|·price over every position (options at underlying notional, conservatively). */
function checkFallback(params: FallbackParams): void {
  if (!(params?.maintenanceFraction > 0 && params.maintenanceFraction <= params.initialFraction && params.initialFraction <= 1)) {
    throw new InvalidInput('params.maintenanceFraction', `needs 0 < maintenance ≤ initial ≤ 1, got ${params?.maintenanceFraction}, ${params?.initialFraction}`)
  }
}

export const fallbackRule: RuleFactory<FallbackParams> = ruleFactory<FallbackParams>('fallback', (initial = FALLBACK_DEFAULTS, venue) =>
  makeRule(venue, initial, checkFallback, (params, account, market) => {
    let equity = 0
    let gross = 0
    account.balances.forEach((b, j) => (equity += balanceValueUsd(b, market, `balances[${j}]`)))
    account.positions.forEach((p, j) => {
      const field = `positions[${j}]`
      if (p.instrument.kind !== 'option') equity += unrealisedUsd(p, market, field)
      gross += Math.abs(p.size) * factorPrice(market, p.instrument.underlying, `${field}.instrument`)
    })
    const mm = params.maintenanceFraction * gross
    return {
      venue,
      currency: params.currency ?? 'USD',
      equity,
      initialMargin: params.initialFraction * gross,
      maintenanceMargin: mm,
      metric: { kind: 'marginRatio', value: equity > 0 ? mm / equity : mm > 0 || equity < 0 ? Infinity : 0, liquidationAt: 1 },
      liquidated: mm > 0 && equity <= mm,
    }
  }),
)

// ---------------------------------------------------------------------------------------------------------------
// GMX v2: isolated positions. Each position has its own collateral and is liquidated on its own when what remains of
// it (collateral + P&L − fees and impact) falls to its maintenance margin, max(size in USD × the market's
// minCollateralFactorForLiquidation, MIN_COLLATERAL_USD); venues/gmx-v2/margin.ts replicates that exactly.

export interface GmxPositionRuleParams {
  /** The position's venue symbol (the market's name) and side: the account position these apply to. */
  symbol: string
  isLong: boolean
  /** Its collateral: factor and amount, as stored (pending fees are in fixedCostsUsd, not taken off here). */
  collateralAsset: string
  collateralAmount: number
  /** Closing and pending fees and the closing price impact, in USD, held fixed as prices move. */
  fixedCostsUsd: number
}

/** A GMX market's factors (DataStore MIN_COLLATERAL_FACTOR and MIN_COLLATERAL_FACTOR_FOR_LIQUIDATION). */
export interface GmxMarketRuleParams {
  minCollateralFactor: number
  minCollateralFactorForLiquidation: number
}

export interface GmxRuleParams {
  positions: GmxPositionRuleParams[]
  /** Per market name, its factors: the stored positions' markets, and any market a what-if may open in. */
  markets: Record<string, GmxMarketRuleParams>
  /** MIN_COLLATERAL_USD: the least any position must keep. */
  minCollateralUsd: number
  /**
   * The account's balances as stored (debt negative). What the account holds beyond them (or short of them) is
   * collateral a what-if moved in (or out), spread over the positions (see gmxRule).
   */
  storedBalances: RiskBalance[]
}

export const GMX_NO_PARAMS: GmxRuleParams = { positions: [], markets: {}, minCollateralUsd: 0, storedBalances: [] }

function checkGmx(params: GmxRuleParams): void {
  if (!Array.isArray(params?.positions) || typeof params.markets !== 'object' || params.markets === null || !Array.isArray(params.storedBalances)) {
    throw new InvalidInput('params', 'a GMX rule needs positions, markets and storedBalances')
  }
  if (!(params.minCollateralUsd >= 0)) throw new InvalidInput('params.minCollateralUsd', `must be a non-negative number, got ${params.minCollateralUsd}`)
  params.positions.forEach((p, i) => {
    if (!(p.collateralAmount >= 0) || !Number.isFinite(p.collateralAmount)) throw new InvalidInput(`params.positions[${i}].collateralAmount`, `must be a non-negative number, got ${p.collateralAmount}`)
    if (!Number.isFinite(p.fixedCostsUsd)) throw new InvalidInput(`params.positions[${i}].fixedCostsUsd`, `must be a finite number, got ${p.fixedCostsUsd}`)
  })
  for (const [market, f] of Object.entries(params.markets)) {
    if (!(f.minCollateralFactorForLiquidation >= 0 && f.minCollateralFactor >= f.minCollateralFactorForLiquidation && f.minCollateralFactor < 1)) {
      throw new InvalidInput(`params.markets.${market}`, `needs 0 ≤ minCollateralFactorForLiquidation ≤ minCollateralFactor < 1, got ${f.minCollateralFactorForLiquidation} and ${f.minCollateralFactor}`)
    }
  }
}

/**
 * The smallest buffer after `extra` USD is spread over buffers as a trader would, to keep the position nearest to
 * liquidation as far from it as it can be: added money lifts the lowest buffers to one level; withdrawn money comes
 * off the highest down to one level, and off all of them alike once they are level (water-filling).
 */
export function lowestBufferAfter(buffers: number[], extra: number): number {
  const sorted = [...buffers].sort((a, b) => a - b)
  const n = sorted.length
  if (n === 0) return Infinity
  let sum = 0
  for (let k = 1; k <= n; k++) {
    if (extra >= 0) {
      // Lift the k lowest to L = (their sum + extra) / k, if L does not pass the next one up.
      sum += sorted[k - 1]!
      const level = (sum + extra) / k
      if (k === n || level <= sorted[k]!) return level
    } else {
      // Bring the k highest down to L = (their sum + extra) / k, if L stays at or above the next one down.
      sum += sorted[n - k]!
      const level = (sum + extra) / k
      if (k === n) return level
      if (level >= sorted[n - k - 1]!) return sorted[0]!
    }
  }
  return sorted[0]!
}

/** Amounts per asset (and basis): an account may hold one asset in several lines (two positions' USDC, its fees). */
function balancesByAsset(balances: RiskBalance[]): Map<string, RiskBalance> {
  const byAsset = new Map<string, RiskBalance>()
  for (const b of balances) {
    const key = `${b.asset}|${b.basisFactor ?? ''}`
    const sum = byAsset.get(key)
    byAsset.set(key, sum ? { ...sum, amount: sum.amount + b.amount } : { ...b })
  }
  return byAsset
}

/**
 * Each position's buffer = its collateral·price + size·(P − entry) − fixed costs − its maintenance margin, where the
 * maintenance margin is max(size in USD × minCollateralFactorForLiquidation, MIN_COLLATERAL_USD) and size in USD is
 * |size| × entry (GMX's sizeInUsd: it grows by the added size at its price and shrinks in proportion, as a what-if
 * trade moves the entry); the account is liquidated when any buffer reaches 0. To keep every rule's contract
 * (liquidated ⇔ equity ≤ MM, and searches root-find equity − MM), equity is what remains of the positions plus
 * collateral moved in, and MM is the equity at which the first position goes: equity − the lowest buffer. With one
 * position that is its own maintenance margin.
 *
 * A what-if may change sizes (the fixed costs stay as stored), open a position in a market whose factors are known
 * (no collateral of its own, no costs), and move collateral in or out: the difference between the account's
 * balances and the stored ones, valued at the market, is spread by lowestBufferAfter, afresh at each scenario's
 * prices (so with several positions, slightly kinder than one deposit made today). A position in a market with no
 * factors (an account described in a request) leaves the whole account to the fallback fractions.
 */
export const gmxRule: VenueMarginRule = makeRule<GmxRuleParams>('gmx-v2', GMX_NO_PARAMS, checkGmx, (params, account, market) => {
  // Each account position takes the stored position of its market and side, once.
  const unused = new Set(params.positions.keys())
  const matched = account.positions.map((p) => {
    const i = [...unused].find((k) => params.positions[k]!.symbol === p.instrument.symbol && params.positions[k]!.isLong === p.size > 0)
    if (i !== undefined) unused.delete(i)
    return i
  })
  if (account.positions.length === 0 || account.positions.some((p) => params.markets[p.instrument.symbol] === undefined)) {
    return { ...fallbackRule.evaluate(account, market, FALLBACK_DEFAULTS), venue: 'gmx-v2' }
  }
  let equity = 0
  let initialMargin = 0
  const buffers = account.positions.map((p, j) => {
    const factors = params.markets[p.instrument.symbol]!
    const sizeUsd = Math.abs(p.size) * (p.entryPrice ?? factorPrice(market, p.instrument.underlying, `positions[${j}].instrument`))
    const i = matched[j]
    const own = i === undefined ? undefined : params.positions[i]!
    const collateralUsd = own ? own.collateralAmount * factorPrice(market, own.collateralAsset, `params.positions[${i}].collateralAsset`) : 0
    const remaining = collateralUsd + unrealisedUsd(p, market, `positions[${j}]`) - (own?.fixedCostsUsd ?? 0)
    equity += remaining
    initialMargin += sizeUsd * factors.minCollateralFactor
    return remaining - Math.max(sizeUsd * factors.minCollateralFactorForLiquidation, params.minCollateralUsd)
  })
  // Collateral a what-if moved: the account's balances less the stored ones, at today's (or the scenario's) prices.
  const held = balancesByAsset(account.balances)
  const stored = balancesByAsset(params.storedBalances)
  let movedUsd = 0
  for (const key of new Set([...held.keys(), ...stored.keys()])) {
    const balance = held.get(key) ?? stored.get(key)!
    const moved = (held.get(key)?.amount ?? 0) - (stored.get(key)?.amount ?? 0)
    if (moved !== 0) movedUsd += balanceValueUsd({ ...balance, amount: moved }, market, `balances (${balance.asset})`)
  }
  equity += movedUsd
  const lowest = lowestBufferAfter(buffers, movedUsd)
  const mm = equity - lowest
  return {
    venue: 'gmx-v2',
    currency: 'USD',
    equity,
    initialMargin,
    maintenanceMargin: mm,
    metric: { kind: 'marginRatio', value: equity > 0 ? mm / equity : Infinity, liquidationAt: 1 },
    liquidated: lowest <= 0,
  }
})

// ---------------------------------------------------------------------------------------------------------------
// Deribit: adapter to the replicated portfolio margin (venues/deribit/margin.ts), per currency, in USD.

/** Option positions need an implied vol from the market; options' value is not part of equity here (see docs). */
export const deribitPmRule: VenueMarginRule = makeRule('deribit', null, () => undefined, (_params, account, market) => {
  let im = 0
  let mm = 0
  let equity = 0
  account.balances.forEach((b, j) => (equity += balanceValueUsd(b, market, `balances[${j}]`)))
  account.positions.forEach((p, j) => {
    if (p.instrument.underlying !== 'BTC' && p.instrument.underlying !== 'ETH') throw new InvalidInput(`positions[${j}].instrument`, `Deribit portfolio margin covers BTC and ETH, got ${p.instrument.symbol}`)
    if (p.instrument.kind !== 'option') equity += unrealisedUsd(p, market, `positions[${j}]`)
  })
  for (const currency of ['BTC', 'ETH']) {
    const positions = account.positions.filter((p) => p.instrument.underlying === currency)
    if (positions.length === 0) continue
    const index = factorPrice(market, currency, `prices.${currency}`)
    const result = deribitPortfolioMargin(
      {
        indexPrice: index,
        asOfMs: market.asOfMs,
        positions: positions.map((p) => ({
          instrument: p.instrument.symbol,
          kind: p.instrument.kind === 'option' ? 'option' : p.instrument.kind === 'future' ? 'future' : 'perpetual',
          size: p.size,
          expiryMs: p.instrument.expiryMs,
          strike: p.instrument.strike,
          optionType: p.instrument.optionType,
          markIv: p.instrument.kind === 'option' ? (market.impliedVols[p.instrument.symbol] ?? market.volSurfaces[currency]?.volAt(p.instrument.strike!, p.instrument.expiryMs!, index) ?? null) : null,
          // Deribit prices an option on its expiry's future (or synthetic): the index × that expiry's forward ratio.
          underlyingPrice: index * (market.forwardRatios?.[p.instrument.symbol] ?? 1),
        })),
      },
      currency === 'ETH' ? DERIBIT_PM_ETH_PARAMS : DERIBIT_PM_BTC_PARAMS,
    )
    im += result.initialMargin * index
    mm += result.maintenanceMargin * index
  }
  return {
    venue: 'deribit',
    currency: 'USD',
    equity,
    initialMargin: im,
    maintenanceMargin: mm,
    metric: { kind: 'marginRatio', value: equity > 0 ? mm / equity : mm > 0 || equity < 0 ? Infinity : 0, liquidationAt: 1 },
    liquidated: mm > 0 && equity <= mm,
  }
})

/** Which rule each venue uses when the engine has only positions and balances. */
export const DEFAULT_VENUE_RULES: VenueRuleSet = {
  'aave-v3': aaveRule,
  'compound-v3': compoundRule,
  'gmx-v2': gmxRule,
  binance: linearPerpRule,
  bybit: linearPerpRule(undefined, 'bybit'),
  okx: linearPerpRule(undefined, 'okx'),
  hyperliquid: linearPerpRule(undefined, 'hyperliquid'),
  'dydx-v4': linearPerpRule(undefined, 'dydx-v4'),
  deribit: deribitPmRule,
}

export function ruleFor(venue: string, rules: VenueRuleSet = DEFAULT_VENUE_RULES): VenueMarginRule {
  return rules[venue] ?? fallbackRule
}

/** The rule with an account's own parameters fixed (for callers that take a rule, not parameters). */
export function withParams(rule: VenueMarginRule, params: unknown): VenueMarginRule {
  if (params === undefined) return rule
  return { venue: rule.venue, evaluate: (account, market) => rule.evaluate(account, market, params) }
}

/** The signed distance to liquidation in the rule's currency: positive while the account is safe. */
export function liquidationBuffer(result: VenueRuleResult): number {
  return result.equity - result.maintenanceMargin
}
