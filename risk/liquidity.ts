// Liquidity from an order book: how much rests within a band of the mid, and (below) what unwinding a position through
// the book costs. Pure: a book is plain numbers, best levels first, already checked (market/feeds/sanity.ts).

/** One side's levels, best first: [price, size in units of the underlying]. */
export type BookSide = readonly (readonly [price: number, size: number])[]

export interface OrderBook {
  /** Descending prices. */
  bids: BookSide
  /** Ascending prices. */
  asks: BookSide
}

export function midPrice(book: OrderBook): number {
  return (book.bids[0]![0] + book.asks[0]![0]) / 2
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
