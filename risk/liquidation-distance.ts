// Liquidation distance per account: the move of each factor alone, and the scale of a joint move along the book's
// worst direction, that takes the account to its venue's liquidation under its VenueMarginRule. Root finding on
// the rule's buffer equity − maintenance margin (zero exactly where the venue liquidates), bracketed by a scan
// and pinned by Brent's method; "none" when no move within −99 % … +1,000 % (or scale ≤ maxScale) liquidates.
import { InvalidInput } from '../core/errors.js'
import { firstCrossing, nearestCrossings } from '../quant/root-finding.js'
import { currentFactorPrice, exposedFactors, liquidationBuffer, pinEntryPrices, ruleFor, withFactorMove, type VenueMarginRule, type VenueRuleResult, type VenueRuleSet } from './venue-rules.js'
import type { MarketState, RiskAccount } from './types.js'

export type LiquidationStatus = 'liquidates' | 'none' | 'already-liquidated'

export interface LiquidationPoint {
  /** Relative move of the factor from today (−0.25 = −25 %). */
  move: number
  price: number
}

export interface FactorLiquidationDistance {
  factor: string
  /** Today's price of the factor. */
  price: number
  /** Nearest liquidating fall and rise (others fixed), or null when none within the search range. */
  down: LiquidationPoint | null
  up: LiquidationPoint | null
  /** The smaller of the two in |move|; null means "none": no move of this factor alone liquidates. */
  nearest: (LiquidationPoint & { side: 'down' | 'up' }) | null
  status: LiquidationStatus
}

/** Joint factor moves as log returns (a scenario's row: the book's worst day); factors absent do not move. */
export interface LiquidationDirection {
  label: string
  factors: string[]
  logReturns: ArrayLike<number>
}

export interface DirectionalLiquidation {
  label: string
  /** t such that prices P_f·exp(t·r_f) liquidate the account (1 = the direction itself, 0.5 = half of it). */
  scale: number | null
  status: LiquidationStatus
  /** Relative move of each factor at that scale, exp(t·r_f) − 1, for reports. */
  movesAtScale: { factor: string; move: number }[]
}

export interface AccountLiquidationDistance {
  accountId: string
  venue: string
  today: VenueRuleResult
  factors: FactorLiquidationDistance[]
  /** The factor closest to liquidating the account (smallest |move|), or null when none does. */
  nearest: FactorLiquidationDistance | null
  alongDirection: DirectionalLiquidation | null
}

export interface LiquidationSearchOptions {
  /** Largest fall searched, relative (default 0.99). */
  maxDown?: number
  /** Largest rise searched, relative (default 10 = +1,000 %). */
  maxUp?: number
  /** Largest scale of a direction searched (default 10). */
  maxScale?: number
}

export interface LiquidationDistanceOptions extends LiquidationSearchOptions {
  rules?: VenueRuleSet
  /** Rule parameters per account id, passed to the rule's evaluate. */
  params?: Record<string, unknown>
  /** Factors searched per account (default: every factor the account is exposed to). */
  factors?: string[]
  direction?: LiquidationDirection
}

function checkSearch(options: LiquidationSearchOptions): Required<LiquidationSearchOptions> {
  const maxDown = options.maxDown ?? 0.99
  const maxUp = options.maxUp ?? 10
  const maxScale = options.maxScale ?? 10
  if (!(maxDown > 0 && maxDown < 1)) throw new InvalidInput('options.maxDown', `must be in (0, 1), got ${maxDown}`)
  if (!(maxUp > 0 && Number.isFinite(maxUp))) throw new InvalidInput('options.maxUp', `must be positive, got ${maxUp}`)
  if (!(maxScale > 0 && Number.isFinite(maxScale))) throw new InvalidInput('options.maxScale', `must be positive, got ${maxScale}`)
  return { maxDown, maxUp, maxScale }
}

/** Distance of one factor alone (others fixed) to the account's liquidation under `rule`. */
export function factorLiquidationDistance(account: RiskAccount, market: MarketState, factor: string, rule: VenueMarginRule, params?: unknown, search: LiquidationSearchOptions = {}): FactorLiquidationDistance {
  const { maxDown, maxUp } = checkSearch(search)
  const price = currentFactorPrice(market, factor)
  const pinned = pinEntryPrices(account, market)
  const buffer = (move: number) => liquidationBuffer(rule.evaluate(pinned, withFactorMove(market, factor, move), params))
  if (!(buffer(0) > 0)) return { factor, price, down: null, up: null, nearest: null, status: 'already-liquidated' }
  const { down, up } = nearestCrossings(buffer, { maxDown, maxUp })
  const point = (move: number | null): LiquidationPoint | null => (move === null ? null : { move, price: price * (1 + move) })
  const d = point(down)
  const u = point(up)
  const nearest = d && (!u || -d.move <= u.move) ? { ...d, side: 'down' as const } : u ? { ...u, side: 'up' as const } : null
  return { factor, price, down: d, up: u, nearest, status: nearest ? 'liquidates' : 'none' }
}

/** The market after moving every factor of `direction` by exp(t·r) (factors not priced today stay absent). */
function marketAlong(market: MarketState, direction: LiquidationDirection, t: number): MarketState {
  const prices = { ...market.prices }
  direction.factors.forEach((factor, i) => {
    const r = direction.logReturns[i]!
    if (r === 0 || !Number.isFinite(r)) return
    if (prices[factor] === undefined && !factor.includes('-')) return
    prices[factor] = currentFactorPrice(market, factor) * Math.exp(t * r)
  })
  return { ...market, prices }
}

/** Smallest t ∈ (0, maxScale] at which moving along `direction` liquidates the account. */
export function liquidationScaleAlongDirection(account: RiskAccount, market: MarketState, direction: LiquidationDirection, rule: VenueMarginRule, params?: unknown, maxScale = 10): DirectionalLiquidation {
  if (direction.factors.length !== direction.logReturns.length) throw new InvalidInput('direction.logReturns', `has ${direction.logReturns.length} values for ${direction.factors.length} factors`)
  checkSearch({ maxScale })
  const pinned = pinEntryPrices(account, market)
  const buffer = (t: number) => liquidationBuffer(rule.evaluate(pinned, marketAlong(market, direction, t), params))
  const movesAt = (t: number) => direction.factors.map((factor, i) => ({ factor, move: Number.isFinite(direction.logReturns[i]!) ? Math.expm1(t * direction.logReturns[i]!) : 0 }))
  if (!(buffer(0) > 0)) return { label: direction.label, scale: 0, status: 'already-liquidated', movesAtScale: movesAt(0) }
  const t = firstCrossing(buffer, maxScale, 1)
  return { label: direction.label, scale: t, status: t === null ? 'none' : 'liquidates', movesAtScale: t === null ? [] : movesAt(t) }
}

/** Per account: today's venue figures, each factor's distance, the nearest one, and the worst-direction scale. */
export function liquidationDistances(accounts: RiskAccount[], market: MarketState, options: LiquidationDistanceOptions = {}): AccountLiquidationDistance[] {
  const search = checkSearch(options)
  return accounts.map((account) => {
    const rule = ruleFor(account.venue, options.rules)
    const params = options.params?.[account.id]
    const today = rule.evaluate(account, market, params)
    const exposed = exposedFactors(account)
    const factors = (options.factors ? options.factors.filter((f) => exposed.includes(f)) : exposed).map((f) => factorLiquidationDistance(account, market, f, rule, params, search))
    let nearest: FactorLiquidationDistance | null = null
    for (const f of factors) if (f.nearest && (!nearest || Math.abs(f.nearest.move) < Math.abs(nearest.nearest!.move))) nearest = f
    const alongDirection = options.direction ? liquidationScaleAlongDirection(account, market, options.direction, rule, params, search.maxScale) : null
    return { accountId: account.id, venue: account.venue, today, factors, nearest, alongDirection }
  })
}
