// Canonical risk factors for venue asset names: wrapped and bridged tokens map to what they track.

export interface CanonicalAsset {
  /** The factor whose price moves the asset: `ETH` for WETH, `USD` for stablecoins. */
  factor: string
  /** A second factor for the spread between the token and what it tracks (wrapping basis, stablecoin depeg). */
  basisFactor: string | null
}

const STABLECOINS = new Set(['USD', 'USDC', 'USDT', 'DAI', 'USDC.E', 'USDBC', 'FDUSD', 'BUSD', 'TUSD', 'USDE', 'PYUSD', 'GHO', 'LUSD', 'FRAX', 'USDS'])

const WRAPPED: Record<string, { factor: string; basis: string | null }> = {
  WETH: { factor: 'ETH', basis: null },
  WBTC: { factor: 'BTC', basis: 'WBTC-BTC' },
  CBBTC: { factor: 'BTC', basis: 'CBBTC-BTC' },
  TBTC: { factor: 'BTC', basis: 'TBTC-BTC' },
  WSTETH: { factor: 'ETH', basis: 'WSTETH-ETH' },
  STETH: { factor: 'ETH', basis: 'STETH-ETH' },
  CBETH: { factor: 'ETH', basis: 'CBETH-ETH' },
  RETH: { factor: 'ETH', basis: 'RETH-ETH' },
  WEETH: { factor: 'ETH', basis: 'WEETH-ETH' },
  WAVAX: { factor: 'AVAX', basis: null },
  WBNB: { factor: 'BNB', basis: null },
  WSOL: { factor: 'SOL', basis: null },
  WMATIC: { factor: 'MATIC', basis: null },
  WPOL: { factor: 'POL', basis: null },
}

/** Maps a venue's asset symbol to its canonical factor; unknown symbols map to themselves (upper-cased). */
export function canonicalAsset(symbol: string): CanonicalAsset {
  const upper = symbol.trim().toUpperCase()
  if (STABLECOINS.has(upper)) return { factor: 'USD', basisFactor: upper === 'USD' ? null : `${upper}-USD` }
  const wrapped = WRAPPED[upper]
  if (wrapped) return { factor: wrapped.factor, basisFactor: wrapped.basis }
  return { factor: upper, basisFactor: null }
}
