// Correlation-break scenarios: the moves under which the usual hedges fail. Long alt / short BTC loses when alts
// fall and BTC rises; long BTC / short alts the other way round; ETH decouples from BTC; wrapped and staked tokens
// lose their basis (WBTC-BTC −5 %, stETH-ETH −7 %, as stETH traded near 0.93 ETH in June 2022); stablecoins depeg
// (USDC at 0.88 on 11 Mar 2023); and a crash in which the basis blows out at the same time.
import { InvalidInput } from '../../core/errors.js'
import type { ScenarioSet } from '../types.js'

export interface CorrelationBreakParams {
  /** The factor the book hedges with (default BTC). */
  hedge?: string
  /** Alts fall by this much while the hedge rises by `hedgeUp` (defaults 0.25 and 0.10). */
  altDown?: number
  hedgeUp?: number
  /** The reverse: the hedge falls while alts rise (defaults 0.20 and 0.05). */
  hedgeDown?: number
  altUp?: number
  /** ETH alone falls this much while BTC holds (default 0.20); skipped without both factors. */
  ethDecouple?: number
  /** Basis factors' moves by name; others default by kind (see `defaultBasisMove`). */
  basis?: Record<string, number>
  /** Stablecoin depeg, relative (default −0.12: USDC's trough on 11 Mar 2023). */
  stablecoinDepeg?: number
  /** The joint crash in which every crypto factor falls this much while the basis blows out (default 0.20). */
  crashWithBasis?: number
}

/**
 * Documented defaults: wrapped BTC −5 % (our stress figure for a custodian scare, not a historical print),
 * liquid-staked ETH −7 % (stETH traded about 0.93 ETH in mid-June 2022 as Celsius and 3AC unwound), stablecoins
 * −12 % (USDC ~0.88 USD on 11 Mar 2023), any other basis −5 %.
 */
export function defaultBasisMove(factor: string, stablecoinDepeg: number): number {
  if (factor.endsWith('-USD')) return stablecoinDepeg
  if (factor.endsWith('-ETH')) return -0.07
  return -0.05
}

const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(0)} %`

export function correlationBreaks(factors: string[], params: CorrelationBreakParams = {}): ScenarioSet {
  if (factors.length === 0) throw new InvalidInput('factors', 'needs at least one factor')
  const hedge = params.hedge ?? 'BTC'
  const altDown = params.altDown ?? 0.25
  const hedgeUp = params.hedgeUp ?? 0.1
  const hedgeDown = params.hedgeDown ?? 0.2
  const altUp = params.altUp ?? 0.05
  const ethDecouple = params.ethDecouple ?? 0.2
  const depeg = params.stablecoinDepeg ?? -0.12
  const crash = params.crashWithBasis ?? 0.2
  for (const [name, x] of Object.entries({ altDown, hedgeDown, ethDecouple, crashWithBasis: crash })) if (!(x > 0 && x < 1)) throw new InvalidInput(`params.${name}`, `must be in (0, 1), got ${x}`)
  for (const [name, x] of Object.entries({ hedgeUp, altUp })) if (!(x >= 0 && Number.isFinite(x))) throw new InvalidInput(`params.${name}`, `must be ≥ 0, got ${x}`)
  if (!(depeg < 0 && depeg > -1)) throw new InvalidInput('params.stablecoinDepeg', `must be in (−1, 0), got ${depeg}`)
  for (const [f, x] of Object.entries(params.basis ?? {})) if (!(x > -1 && Number.isFinite(x))) throw new InvalidInput(`params.basis.${f}`, `must be above −1, got ${x}`)

  const isBasis = (f: string) => f.includes('-')
  const alts = factors.filter((f) => f !== hedge && f !== 'USD' && !isBasis(f))
  const crypto = factors.filter((f) => f !== 'USD' && !isBasis(f))
  const basisMoves = Object.fromEntries(factors.filter(isBasis).map((f) => [f, params.basis?.[f] ?? defaultBasisMove(f, depeg)]))
  const rows: { label: string; moves: Record<string, number>; vol: number }[] = []
  if (factors.includes(hedge) && alts.length > 0) {
    rows.push({ label: `hedge fails: alts ${pct(-altDown)}, ${hedge} ${pct(hedgeUp)}`, moves: { ...Object.fromEntries(alts.map((f) => [f, -altDown])), [hedge]: hedgeUp }, vol: 0 })
    rows.push({ label: `hedge fails: ${hedge} ${pct(-hedgeDown)}, alts ${pct(altUp)}`, moves: { ...Object.fromEntries(alts.map((f) => [f, altUp])), [hedge]: -hedgeDown }, vol: 0 })
  }
  if (factors.includes('ETH') && factors.includes('BTC')) rows.push({ label: `ETH decouples: ETH ${pct(-ethDecouple)}, BTC unchanged`, moves: { ETH: -ethDecouple }, vol: 0 })
  const wrapped = Object.entries(basisMoves).filter(([f]) => !f.endsWith('-USD'))
  const stables = Object.entries(basisMoves).filter(([f]) => f.endsWith('-USD'))
  if (wrapped.length > 0) rows.push({ label: `basis blow-out: ${wrapped.map(([f, x]) => `${f} ${pct(x)}`).join(', ')}`, moves: Object.fromEntries(wrapped), vol: 0 })
  if (stables.length > 0) rows.push({ label: `stablecoin depeg: ${stables.map(([f, x]) => `${f} ${pct(x)}`).join(', ')}`, moves: Object.fromEntries(stables), vol: 0 })
  if (Object.keys(basisMoves).length > 0 && crypto.length > 0) {
    rows.push({ label: `crash with basis blow-out: crypto ${pct(-crash)}, ${Object.entries(basisMoves).map(([f, x]) => `${f} ${pct(x)}`).join(', ')}`, moves: { ...Object.fromEntries(crypto.map((f) => [f, -crash])), ...basisMoves }, vol: 0 })
  }
  const F = factors.length
  const logReturns = new Float64Array(rows.length * F)
  rows.forEach((r, s) => factors.forEach((f, i) => (logReturns[s * F + i] = Math.log1p(r.moves[f] ?? 0))))
  return { factors: [...factors], count: rows.length, logReturns, volShifts: Float64Array.from(rows, (r) => r.vol), labels: rows.map((r) => r.label) }
}
