// Price × volatility stress grid per underlying, shaped like Deribit's portfolio-margin risk matrix: 2·buckets + 1
// evenly spaced price moves over ±range (BTC ±16 %, ETH ±18 %, others configurable), each with vol up, unchanged
// and down; every other factor unchanged. Plus joint rows where every crypto factor falls together.
import { InvalidInput } from '../../core/errors.js'
import type { ScenarioSet } from '../types.js'

export interface PriceVolGridParams {
  /** Every factor of the set, in order (the revaluation's factor list); underlyings must be among them. */
  factors: string[]
  /** ±relative price range per underlying (Deribit: BTC 0.16, ETH 0.18). */
  priceRanges?: Record<string, number>
  /** For underlyings without a range of their own (default 0.30). */
  defaultPriceRange?: number
  /** Price points per underlying, odd so 0 is one of them (Deribit: 2·4 + 1 = 9). */
  points?: number
  /** Deribit's volatility_range_up / _down (0.5, 0.25 in its published BTC parameters). */
  volRangeUp?: number
  volRangeDown?: number
  /**
   * Days to expiry the vol shock is scaled to: shift = range·(30/days)^power (Deribit: power 0.3 within 30 days,
   * 0.13 after). A ScenarioSet carries one shift per scenario, so the set is scaled to one expiry (default 30 →
   * the ranges themselves); pass the book's shortest option expiry to stress short-dated vega harder.
   */
  volShockDays?: number
  shortTermVegaPower?: number
  longTermVegaPower?: number
  /** Joint rows: every factor in `jointFactors` falls by each of these fractions, vol up (default 10, 20, 30 %). */
  jointDowns?: number[]
  /** Default: every factor that is not USD or a basis factor (a name with '-'). */
  jointFactors?: string[]
}

/** Deribit's published BTC portfolio-margin parameters (private/pme/simulate, June 2024) for the grid's shape. */
export const DERIBIT_GRID_DEFAULTS = {
  priceRanges: { BTC: 0.16, ETH: 0.18 } as Record<string, number>,
  defaultPriceRange: 0.3,
  points: 9,
  volRangeUp: 0.5,
  volRangeDown: 0.25,
  volShockDays: 30,
  shortTermVegaPower: 0.3,
  longTermVegaPower: 0.13,
  jointDowns: [0.1, 0.2, 0.3],
}

/** Deribit's vol-shock scaling: range·(30/days)^power, the short-term power within 30 days (days floored at 1). */
export function deribitVolShift(range: number, daysToExpiry: number, shortTermPower = 0.3, longTermPower = 0.13): number {
  const days = Math.max(daysToExpiry, 1)
  return range * Math.pow(30 / days, days <= 30 ? shortTermPower : longTermPower)
}

const percent = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(Math.abs(x * 100) % 1 === 0 ? 0 : 1)}%`

export function priceVolGrid(underlyings: string[], params: PriceVolGridParams): ScenarioSet {
  const p = { ...DERIBIT_GRID_DEFAULTS, ...params }
  const factors = params.factors
  if (factors.length === 0) throw new InvalidInput('params.factors', 'needs at least one factor')
  if (new Set(factors).size !== factors.length) throw new InvalidInput('params.factors', 'has duplicates')
  if (!(Number.isInteger(p.points) && p.points >= 3 && p.points % 2 === 1)) throw new InvalidInput('params.points', `must be an odd integer ≥ 3, got ${p.points}`)
  if (!(p.volRangeUp >= 0)) throw new InvalidInput('params.volRangeUp', `must be ≥ 0, got ${p.volRangeUp}`)
  if (!(p.volRangeDown >= 0 && p.volRangeDown < 1)) throw new InvalidInput('params.volRangeDown', `must be in [0, 1), got ${p.volRangeDown}`)
  if (!(p.volShockDays > 0)) throw new InvalidInput('params.volShockDays', `must be positive, got ${p.volShockDays}`)
  const up = deribitVolShift(p.volRangeUp, p.volShockDays, p.shortTermVegaPower, p.longTermVegaPower)
  // The down shock keeps vols positive whatever the scaling (Deribit floors the shocked vol the same way).
  const down = -Math.min(0.99, deribitVolShift(p.volRangeDown, p.volShockDays, p.shortTermVegaPower, p.longTermVegaPower))
  const vols: [number, string][] = [[up, 'vol+'], [0, 'vol='], [down, 'vol−']]

  const rows: { moves: [number, number][]; vol: number; label: string }[] = []
  for (const u of underlyings) {
    const f = factors.indexOf(u)
    if (f < 0) throw new InvalidInput('underlyings', `${u} is not among params.factors`)
    const range = p.priceRanges[u] ?? p.defaultPriceRange
    if (!(range > 0 && range < 1)) throw new InvalidInput(`params.priceRanges.${u}`, `must be in (0, 1), got ${range}`)
    const half = (p.points - 1) / 2
    for (let i = 0; i < p.points; i++) {
      const move = (range * (i - half)) / half
      for (const [vol, name] of vols) rows.push({ moves: [[f, move]], vol, label: `grid ${u} ${percent(move)} ${name}` })
    }
  }
  const joint = (p.jointFactors ?? factors.filter((f) => f !== 'USD' && !f.includes('-'))).map((f) => {
    const i = factors.indexOf(f)
    if (i < 0) throw new InvalidInput('params.jointFactors', `${f} is not among params.factors`)
    return i
  })
  for (const x of p.jointDowns) {
    if (!(x > 0 && x < 1)) throw new InvalidInput('params.jointDowns', `each must be in (0, 1), got ${x}`)
    if (joint.length > 0) rows.push({ moves: joint.map((i) => [i, -x]), vol: up, label: `all crypto ${percent(-x)} vol+` })
  }

  const F = factors.length
  const logReturns = new Float64Array(rows.length * F)
  rows.forEach((r, s) => {
    for (const [f, move] of r.moves) logReturns[s * F + f] = Math.log1p(move)
  })
  return { factors: [...factors], count: rows.length, logReturns, volShifts: Float64Array.from(rows, (r) => r.vol), labels: rows.map((r) => r.label) }
}
