// Liquidity from an order book: how much rests within a band of the mid, and (below) what unwinding a position through
// the book costs. Pure: a book is plain numbers, best levels first, already checked (market/feeds/sanity.ts).
import { InvalidInput } from '../core/errors.js'

/** One side's levels, best first: [price, size in units of the underlying]. */
export type BookSide = readonly (readonly [price: number, size: number])[]

export interface OrderBook {
  /** Descending prices. */
  bids: BookSide
  /** Ascending prices. */
  asks: BookSide
}

export function midPrice(book: OrderBook): number {
  const bid = book.bids[0]
  const ask = book.asks[0]
  if (!bid || !ask) throw new InvalidInput('book', `a one-sided book (${book.bids.length} bids, ${book.asks.length} asks) has no mid`)
  return (bid[0] + ask[0]) / 2
}

export interface DepthBand {
  /** Quote-currency value (Σ price × size) of the bids within the band below mid; null when the visible bids end inside it. */
  bid: number | null
  ask: number | null
}

/** Σ price × size over one side's levels inside the band; null when every visible level is inside it. */
function sideWithin(side: BookSide, inside: (price: number) => boolean): number | null {
  let value = 0
  for (const [price, size] of side) {
    if (!inside(price)) return value
    value += price * size
  }
  // Every visible level is inside: the book may go on past what we see, so the sum would undercount.
  return null
}

/** Relative slack at a band's edge, so a level written exactly at the edge (100.5 at +0.5 % of 100) is inside. */
const EDGE_TOLERANCE = 1e-12

/** The liquidity resting within ±`fraction` of the mid on each side (0.01 = ±1 %), in quote currency. */
export function depthWithin(book: OrderBook, fraction: number): DepthBand {
  const mid = midPrice(book)
  const low = mid * (1 - fraction) * (1 - EDGE_TOLERANCE)
  const high = mid * (1 + fraction) * (1 + EDGE_TOLERANCE)
  return {
    bid: sideWithin(book.bids, (price) => price >= low),
    ask: sideWithin(book.asks, (price) => price <= high),
  }
}

/**
 * The square-root law of market impact: trading Q units moves the price by ΔP/P = Y·σ·√(Q/V), σ the daily volatility
 * and V the daily volume. Tóth et al., "Anomalous price impact and the critical nature of liquidity in financial
 * markets", Phys. Rev. X 1, 021006 (2011) find Y of order 1 across markets; Donier & Bonart, "A million metaorder
 * analysis of market impact on the Bitcoin", Market Microstructure and Liquidity 1 (2015), find the same law on
 * Bitcoin over four decades of size. Y = 1, as the unified margin's liquidity add-on takes it.
 */
export interface SquareRootImpact {
  /** Daily volatility of the instrument's returns, a fraction (0.04 = 4 % a day). */
  dailyVolatility: number
  /** Daily traded volume, in the book's size units. */
  dailyVolume: number
  /** Y. */
  coefficient: number
}

export const DEFAULT_IMPACT_COEFFICIENT = 1

export interface UnwindCost {
  /** The signed size unwound: positive is a long, sold into the bids; negative a short, bought from the asks. */
  size: number
  mid: number
  /** What unwinding costs against the mid, in quote currency (≥ 0); null when part of it could not be priced. */
  cost: number | null
  /** Through the visible levels. */
  walked: { quantity: number; cost: number; levels: number }
  /** Past the last visible level. */
  beyondBook: { quantity: number; cost: number | null; reason: string | null }
}

/**
 * ∫ from `from` to `to` of max(floor, a·√q) dq: the per-unit impact past the visible book is never below the last
 * visible level's (nothing resting further out fills better) and follows the square-root law once that is steeper.
 */
function impactIntegral(from: number, to: number, floor: number, a: number): number {
  const cross = a > 0 ? (floor / a) ** 2 : Infinity
  const power = (q: number) => q ** 1.5
  if (cross >= to) return floor * (to - from)
  if (cross <= from) return (2 / 3) * a * (power(to) - power(from))
  return floor * (cross - from) + (2 / 3) * a * (power(to) - power(cross))
}

/**
 * The cost of unwinding `size` through the book: each level's distance from the mid times the quantity taken there,
 * and past the visible book the square-root law (integrated, so the cost of the whole unwind, not its last unit).
 */
export function unwindCost(book: OrderBook, size: number, impact: SquareRootImpact | null = null): UnwindCost {
  if (!Number.isFinite(size)) throw new InvalidInput('size', `expected a finite size, got ${size}`)
  const mid = midPrice(book)
  const selling = size > 0
  const side = selling ? book.bids : book.asks
  let remaining = Math.abs(size)
  let cost = 0
  let levels = 0
  let lastDistance = 0
  for (const [price, available] of side) {
    if (remaining <= 0) break
    const taken = Math.min(remaining, available)
    lastDistance = selling ? mid - price : price - mid
    cost += taken * lastDistance
    remaining -= taken
    levels += 1
  }
  const walked = { quantity: Math.abs(size) - remaining, cost, levels }
  if (remaining <= 0) return { size, mid, cost, walked, beyondBook: { quantity: 0, cost: 0, reason: null } }

  const usable = impact !== null && impact.dailyVolatility > 0 && impact.dailyVolume > 0 && impact.coefficient > 0 && Number.isFinite(impact.dailyVolatility * impact.dailyVolume * impact.coefficient)
  if (!usable) {
    const reason = `${remaining} past the visible book, and no daily volatility and volume to extrapolate with the square-root law`
    return { size, mid, cost: null, walked, beyondBook: { quantity: remaining, cost: null, reason } }
  }
  const a = (impact.coefficient * impact.dailyVolatility) / Math.sqrt(impact.dailyVolume)
  const beyond = mid * impactIntegral(walked.quantity, Math.abs(size), lastDistance / mid, a)
  return { size, mid, cost: cost + beyond, walked, beyondBook: { quantity: remaining, cost: beyond, reason: null } }
}
