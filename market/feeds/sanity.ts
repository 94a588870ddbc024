// What a live print must pass before anything is valued on it: a price within the sanity band of the other fresh
// sources of its factor, a book that is neither crossed nor malformed. Pure: the supervisor gathers the references.
//
// The band. A print further than 5 % from the median of the other fresh prices of its factor (the same venue's index,
// other venues' marks, mids and indices) is quarantined. It is the rule Binance applies to the spot prices behind its
// own index: a source more than 5 % from the median of all sources gets no weight ("What Are Mark Price and Price
// Index in USDⓈ-M Futures", https://www.binance.com/en/support/faq/360033525071). Honest sources of one factor sit far
// closer than that, because venues anchor their marks to an index: Binance's mark is the median of the index plus the
// funding premium, the index plus a short moving basis, and the last trade (same page); Hyperliquid's is the median of
// the oracle plus a 150 s EMA of the basis, its own book, and other venues' perp mids
// (https://hyperliquid.gitbook.io/hyperliquid-docs/trading/robust-price-indices). What separates honest sources is
// then a funding premium and a short-term basis, while what the band is for (a wick taken as a mark, a decimal
// slipped in parsing, a broken oracle) is tens of percent off. A genuine move moves every source within
// seconds, and references count only while fresh (within their feed's staleness budget), so the band compares prints
// seconds apart, not a print against an old price.
//
// References are prices already accepted: the incumbent wins a disagreement. A true jump beyond the band in one step
// is therefore taken once the prices it contradicts go stale (10 s by default); until then the figures built on them
// say stale, which is the safe side for a margin call.
import type { BookLevel } from './types.js'

export interface SanityBand {
  /** Largest accepted |price / median(references) − 1|. */
  maxDeviation: number
}

export const DEFAULT_SANITY_BAND: SanityBand = { maxDeviation: 0.05 }

export interface PriceReference {
  /** Who said it, for the reason (`binance BTCUSDT index`). */
  source: string
  price: number
}

export type PrintVerdict =
  | { accepted: true; reference: number | null; deviation: number | null; sources: number }
  | { accepted: false; reason: string; reference: number | null; deviation: number | null }

export type BookVerdict = { accepted: true } | { accepted: false; reason: string }

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const percent = (x: number) => `${(x * 100).toFixed(2)} %`

/** Checks a price (a decimal string) against the other fresh sources of its factor. No reference: nothing to check. */
export function checkPrint(price: string, references: readonly PriceReference[], band: SanityBand = DEFAULT_SANITY_BAND): PrintVerdict {
  const value = Number(price)
  if (!Number.isFinite(value) || value <= 0) return { accepted: false, reason: `${price} is not a positive price`, reference: null, deviation: null }
  const usable = references.filter((r) => Number.isFinite(r.price) && r.price > 0)
  if (usable.length === 0) return { accepted: true, reference: null, deviation: null, sources: 0 }
  const reference = median(usable.map((r) => r.price))
  const deviation = Math.abs(value / reference - 1)
  if (deviation <= band.maxDeviation) return { accepted: true, reference, deviation, sources: usable.length }
  const names = usable.map((r) => `${r.source} ${r.price}`).join(', ')
  return {
    accepted: false,
    reason: `${price} is ${percent(deviation)} from ${reference}, the median of ${usable.length} other fresh source${usable.length === 1 ? '' : 's'} (${names}); the band is ${percent(band.maxDeviation)}`,
    reference,
    deviation,
  }
}

function checkSide(levels: readonly BookLevel[], side: 'bid' | 'ask'): string | null {
  let previous: number | null = null
  for (const [i, [priceText, sizeText]] of levels.entries()) {
    const price = Number(priceText)
    const size = Number(sizeText)
    if (!Number.isFinite(price) || price <= 0) return `${side} level ${i} has price ${priceText}`
    if (!Number.isFinite(size) || size <= 0) return `${side} level ${i} has size ${sizeText}`
    if (previous !== null && (side === 'bid' ? price >= previous : price <= previous)) return `${side}s out of order at level ${i} (${priceText} after ${previous})`
    previous = price
  }
  return null
}

/** A book is usable when both sides have levels, each side is strictly ordered with positive sizes, and it is not crossed or locked. */
export function checkBook(bids: readonly BookLevel[], asks: readonly BookLevel[]): BookVerdict {
  if (bids.length === 0 || asks.length === 0) return { accepted: false, reason: `one-sided book (${bids.length} bids, ${asks.length} asks): no mid to measure depth from` }
  const malformed = checkSide(bids, 'bid') ?? checkSide(asks, 'ask')
  if (malformed) return { accepted: false, reason: malformed }
  const bestBid = Number(bids[0]![0])
  const bestAsk = Number(asks[0]![0])
  // A venue's matching engine trades a crossing order at once, so a crossed or locked book is a broken feed.
  if (bestBid > bestAsk) return { accepted: false, reason: `crossed book: best bid ${bids[0]![0]} above best ask ${asks[0]![0]}` }
  if (bestBid === bestAsk) return { accepted: false, reason: `locked book: best bid and best ask both ${bids[0]![0]}` }
  return { accepted: true }
}
