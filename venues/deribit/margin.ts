// Deribit's segregated portfolio margin for one currency, replicated: the risk matrix (9 price buckets × 3 vol
// scenarios, plus an extended table of large moves), roll and delta shocks, MM = mm_factor × risk-matrix margin,
// IM = risk-matrix margin + MMP, open-order and spot margins. Pure; float64 (coin amounts to ~1e-15 relative).
// Sources: https://support.deribit.com/hc/en-us/articles/25944756247837-Portfolio-Margin and the worked example
// of private/pme/simulate (https://docs.deribit.com/api-reference/account-management/private-simulate), whose
// parameters are DERIBIT_PM_BTC_PARAMS below.
import { InvalidInput } from '../../core/errors.js'
import { inverseBlack76Price, YEAR_MS, type OptionType } from '../../quant/black76.js'

export interface DeribitPmPosition {
  /** Deribit instrument name (BTC-PERPETUAL, BTC-28JUN24, BTC-28JUN24-70000-C). */
  instrument: string
  kind: 'perpetual' | 'future' | 'option'
  /** Size in the base currency (BTC), negative for short; for futures the USD notional divided by the price. */
  size: number
  expiryMs: number | null
  strike: number | null
  optionType: OptionType | null
  /** The option's mark implied volatility (0.6 = 60 %). */
  markIv: number | null
  /** The option's underlying (future or index) price; the index is used when absent. */
  underlyingPrice: number | null
}

export interface DeribitPmParams {
  /** ±price range of the standard table, split into 2·bucketsCount + 1 evenly spaced moves. */
  priceRange: number
  bucketsCount: number
  volatilityRangeUp: number
  volatilityRangeDown: number
  shortTermVegaPower: number
  longTermVegaPower: number
  /** Vol shocks up apply to at least this volatility. */
  minVolatilityForShockUp: number
  extendedMoves: number[]
  extendedTableFactor: number
  /** In USD: larger extended losses are damped as loss·D/(D + loss) (see docs/methodology/options.md). */
  extendedDampener: number
  annualisedMoveRisk: number
  minAnnualisedMove: number
  maxDeltaShock: number
  deltaTotalLiqShockThreshold: number
  mmFactor: number
}

/** The model parameters in Deribit's published private/pme/simulate example (BTC, June 2024). */
export const DERIBIT_PM_BTC_PARAMS: DeribitPmParams = {
  priceRange: 0.16,
  bucketsCount: 4,
  volatilityRangeUp: 0.5,
  volatilityRangeDown: 0.25,
  shortTermVegaPower: 0.3,
  longTermVegaPower: 0.13,
  minVolatilityForShockUp: 0.5,
  extendedMoves: [-0.66, -0.33, 0.5, 1, 2, 3, 4, 5],
  extendedTableFactor: 1,
  extendedDampener: 100_000,
  annualisedMoveRisk: 0.075,
  minAnnualisedMove: 0.01,
  maxDeltaShock: 0.1,
  deltaTotalLiqShockThreshold: 20_000_000,
  mmFactor: 0.8,
}

/** ETH differs in its price range (±18 %). */
export const DERIBIT_PM_ETH_PARAMS: DeribitPmParams = { ...DERIBIT_PM_BTC_PARAMS, priceRange: 0.18 }

export interface DeribitPmInput {
  positions: DeribitPmPosition[]
  indexPrice: number
  asOfMs: number
  /** Margins Deribit adds on top of the risk matrix for IM (order book state, not positions). */
  mmpMargin?: number
  openOrdersMargin?: number
  spotMargin?: number
}

export interface RiskMatrixCell {
  priceShock: number
  volScenario: 'up' | 'same' | 'down'
  /** Coin P&L of the whole book in this scenario. */
  pnl: number
}

export interface DeribitPmResult {
  /** Per instrument, P&L per standard cell (same order as `standard`). */
  perPosition: Record<string, { standard: number[]; extended: number[] }>
  standard: RiskMatrixCell[]
  extended: { priceShock: number; pnl: number }[]
  worstCase: number
  worstScenario: { source: 'standard' | 'extended'; index: number; priceShock: number }
  rollShock: number
  deltaShock: number
  correlationContingency: number
  riskMatrixMargin: number
  maintenanceMargin: number
  initialMargin: number
}

const DAY_MS = 86_400_000

function validate(input: DeribitPmInput): void {
  if (!(input.indexPrice > 0)) throw new InvalidInput('indexPrice', `must be a positive price, got ${input.indexPrice}`)
  if (!Number.isFinite(input.asOfMs)) throw new InvalidInput('asOfMs', 'must be a time in epoch milliseconds')
  input.positions.forEach((p, i) => {
    if (!Number.isFinite(p.size)) throw new InvalidInput(`positions[${i}].size`, `must be a finite number, got ${p.size}`)
    if (p.kind === 'option') {
      if (!(p.markIv !== null && p.markIv > 0)) throw new InvalidInput(`positions[${i}].markIv`, 'an option needs a positive implied volatility')
      if (!(p.strike !== null && p.strike > 0)) throw new InvalidInput(`positions[${i}].strike`, 'an option needs a positive strike')
      if (p.expiryMs === null || !p.optionType) throw new InvalidInput(`positions[${i}].expiryMs`, 'an option needs an expiry and a type')
    }
  })
}

/** Deribit's vol shock: range × (30 / days to expiry)^power, the short-term power within 30 days. */
function volShock(range: number, daysToExpiry: number, p: DeribitPmParams): number {
  const days = Math.max(daysToExpiry, 1)
  return range * Math.pow(30 / days, days <= 30 ? p.shortTermVegaPower : p.longTermVegaPower)
}

/** Coin P&L of one position for a relative price move and a vol scenario. */
function positionPnl(position: DeribitPmPosition, move: number, vol: 'up' | 'same' | 'down', input: DeribitPmInput, p: DeribitPmParams): number {
  if (position.kind !== 'option') {
    // Inverse contract: coin P&L = Q·(1/P0 − 1/P1) per USD of notional Q = size·P0, i.e. size·(1 − 1/(1 + move)).
    return position.size * (1 - 1 / (1 + move))
  }
  const t = Math.max((position.expiryMs! - input.asOfMs) / YEAR_MS, 0)
  const forward = position.underlyingPrice ?? input.indexPrice
  const sigma = position.markIv!
  const days = (position.expiryMs! - input.asOfMs) / DAY_MS
  // Up: σ + max(σ, min_volatility_for_shock_up)·shock, so low vols still get a meaningful shock; down: σ·(1 − shock).
  const shocked =
    vol === 'same'
      ? sigma
      : vol === 'up'
        ? sigma + Math.max(sigma, p.minVolatilityForShockUp) * volShock(p.volatilityRangeUp, days, p)
        : Math.max(sigma * (1 - volShock(p.volatilityRangeDown, days, p)), 0.01)
  const before = inverseBlack76Price(forward, position.strike!, t, sigma, position.optionType!)
  const after = inverseBlack76Price(forward * (1 + move), position.strike!, t, shocked, position.optionType!)
  return position.size * (after - before)
}

export function deribitPortfolioMargin(input: DeribitPmInput, params: DeribitPmParams = DERIBIT_PM_BTC_PARAMS): DeribitPmResult {
  validate(input)
  const moves = Array.from({ length: 2 * params.bucketsCount + 1 }, (_, i) => params.priceRange * ((i - params.bucketsCount) / params.bucketsCount))
  const vols = ['up', 'same', 'down'] as const
  const cells = moves.flatMap((priceShock) => vols.map((volScenario) => ({ priceShock, volScenario })))

  const perPosition: DeribitPmResult['perPosition'] = {}
  const standard: RiskMatrixCell[] = cells.map((c) => ({ ...c, pnl: 0 }))
  const extended = params.extendedMoves.map((priceShock) => ({ priceShock, pnl: 0 }))
  for (const position of input.positions) {
    const rows = cells.map((c) => positionPnl(position, c.priceShock, c.volScenario, input, params))
    // Extended table: vol up only. Delta-one contracts are held to the standard range's edge (Deribit's example
    // shows the ±16 % values there); options are revalued at the full move, scaled by the table factor.
    const ext = params.extendedMoves.map((move) =>
      position.kind === 'option'
        ? params.extendedTableFactor * positionPnl(position, move, 'up', input, params)
        : positionPnl(position, Math.max(-params.priceRange, Math.min(params.priceRange, move)), 'same', input, params),
    )
    perPosition[position.instrument] = { standard: rows, extended: ext }
    rows.forEach((pnl, i) => (standard[i]!.pnl += pnl))
    ext.forEach((pnl, i) => (extended[i]!.pnl += pnl))
  }
  // Damp extended losses of option books (linear books never exceed the standard range there).
  const hasOptions = input.positions.some((p) => p.kind === 'option')
  if (hasOptions) {
    const dampenerCoin = params.extendedDampener / input.indexPrice
    for (const e of extended) if (e.pnl < 0) e.pnl = (e.pnl * dampenerCoin) / (dampenerCoin - e.pnl)
  }

  let worstCase = 0
  let worstScenario: DeribitPmResult['worstScenario'] = { source: 'standard', index: params.bucketsCount * 3 + 1, priceShock: 0 }
  standard.forEach((c, i) => {
    if (-c.pnl > worstCase) {
      worstCase = -c.pnl
      worstScenario = { source: 'standard', index: i, priceShock: c.priceShock }
    }
  })
  extended.forEach((c, i) => {
    if (-c.pnl > worstCase) {
      worstCase = -c.pnl
      worstScenario = { source: 'extended', index: i, priceShock: c.priceShock }
    }
  })

  // Roll shock: each delta-one position can lose its basis to the index over a year of annualised move risk,
  // floored at min_annualised_move (Deribit's example: 1 % of 0.314538364 + 0.001187534 BTC = 0.00315725898).
  const rollShock = input.positions
    .filter((p) => p.kind !== 'option')
    .reduce((sum, p) => {
      const t = p.expiryMs === null ? 0 : Math.max((p.expiryMs - input.asOfMs) / YEAR_MS, 0)
      return sum + Math.abs(p.size) * Math.max(params.minAnnualisedMove, params.annualisedMoveRisk * t)
    }, 0)

  // Delta shock: only books whose net delta exceeds the liquidity threshold in USD pay it (zero in the example).
  const netDelta = input.positions.reduce((sum, p) => sum + (p.kind === 'option' ? 0 : p.size), 0)
  const deltaUsd = Math.abs(netDelta * input.indexPrice)
  const deltaShock = deltaUsd > params.deltaTotalLiqShockThreshold ? Math.abs(netDelta) * params.maxDeltaShock * Math.min(1, (deltaUsd - params.deltaTotalLiqShockThreshold) / params.deltaTotalLiqShockThreshold) : 0

  const correlationContingency = 0
  const riskMatrixMargin = worstCase + rollShock + deltaShock + correlationContingency
  return {
    perPosition,
    standard,
    extended,
    worstCase,
    worstScenario,
    rollShock,
    deltaShock,
    correlationContingency,
    riskMatrixMargin,
    maintenanceMargin: params.mmFactor * riskMatrixMargin,
    initialMargin: riskMatrixMargin + (input.mmpMargin ?? 0) + (input.openOrdersMargin ?? 0) + (input.spotMargin ?? 0),
  }
}

/**
 * Deribit standard margin for a BTC future or perpetual of `sizeCoin` (either sign): IM 2 % + 0.5 % per 100 BTC of
 * position, MM 1.5 % + 0.5 % per 100 BTC (Deribit's futures contract specification, whose worked examples are
 * 25 BTC → 2.125 % and 350 BTC → 3.75 % initial margin). Amounts in coin.
 */
export function deribitStandardFutureMargin(sizeCoin: number, params = { baseIm: 0.02, baseMm: 0.015, slopePer100: 0.005 }): { initialMargin: number; maintenanceMargin: number } {
  if (!Number.isFinite(sizeCoin)) throw new InvalidInput('sizeCoin', `must be a finite number, got ${sizeCoin}`)
  const size = Math.abs(sizeCoin)
  const extra = (size / 100) * params.slopePer100
  return { initialMargin: size * (params.baseIm + extra), maintenanceMargin: size * (params.baseMm + extra) }
}

/**
 * Deribit standard margin for an option of `sizeCoin` (negative = short), per unit of the underlying, in coin:
 * short call IM = max(0.15 − OTM/U, 0.1) + mark, MM = 0.075 + mark; short put IM = max(max(0.15 − OTM/U, 0.1) +
 * mark, MM), MM = max(0.075, 0.075·mark) + mark; long options need no margin (their premium is paid).
 */
export function deribitStandardOptionMargin(sizeCoin: number, type: OptionType, strike: number, underlying: number, markCoin: number): { initialMargin: number; maintenanceMargin: number } {
  if (sizeCoin >= 0) return { initialMargin: 0, maintenanceMargin: 0 }
  const otm = Math.max(type === 'call' ? strike - underlying : underlying - strike, 0)
  const base = Math.max(0.15 - otm / underlying, 0.1)
  const mm = type === 'call' ? 0.075 + markCoin : Math.max(0.075, 0.075 * markCoin) + markCoin
  const im = type === 'call' ? base + markCoin : Math.max(base + markCoin, mm)
  const size = Math.abs(sizeCoin)
  return { initialMargin: size * im, maintenanceMargin: size * mm }
}
