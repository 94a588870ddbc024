// Raw SVI smiles: w(k) = a + b·(ρ(k − m) + √((k − m)² + σ²)) in total implied variance w = σ_imp²·T against
// log-moneyness k = ln(K/F) (Gatheral 2004). Fitted by Zeliade's quasi-explicit method: for fixed (m, σ) the
// model is linear in (a, bσρ, bσ) and solved by weighted least squares; (m, σ) by Nelder–Mead. Pure; float64.
import { DataUnavailable, InvalidInput } from '../../core/errors.js'

export interface SviParams {
  a: number
  b: number
  rho: number
  m: number
  sigma: number
}

export interface SviPoint {
  k: number
  /** Total implied variance σ²·T. */
  w: number
  weight?: number
}

export function sviTotalVariance(p: SviParams, k: number): number {
  const x = k - p.m
  return p.a + p.b * (p.rho * x + Math.sqrt(x * x + p.sigma * p.sigma))
}

/** First and second derivatives of w in k, for Gatheral's density check. */
export function sviDerivatives(p: SviParams, k: number): { w: number; w1: number; w2: number } {
  const x = k - p.m
  const root = Math.sqrt(x * x + p.sigma * p.sigma)
  return { w: sviTotalVariance(p, k), w1: p.b * (p.rho + x / root), w2: (p.b * p.sigma * p.sigma) / (root * root * root) }
}

/** Gatheral & Jacquier's g(k); a smile is free of butterfly arbitrage where g ≥ 0 (and w > 0). */
export function butterflyDensity(p: SviParams, k: number): number {
  const { w, w1, w2 } = sviDerivatives(p, k)
  return (1 - (k * w1) / (2 * w)) ** 2 - ((w1 * w1) / 4) * (1 / w + 0.25) + w2 / 2
}

function solve3(m: number[][], v: number[]): number[] | null {
  // Gaussian elimination with partial pivoting on a 3×3 system.
  const a = m.map((row, i) => [...row, v[i]!])
  for (let c = 0; c < 3; c++) {
    let pivot = c
    for (let r = c + 1; r < 3; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r
    if (Math.abs(a[pivot]![c]!) < 1e-300) return null
    ;[a[c], a[pivot]] = [a[pivot]!, a[c]!]
    for (let r = c + 1; r < 3; r++) {
      const f = a[r]![c]! / a[c]![c]!
      for (let k = c; k < 4; k++) a[r]![k] = a[r]![k]! - f * a[c]![k]!
    }
  }
  const x = [0, 0, 0]
  for (let r = 2; r >= 0; r--) {
    let s = a[r]![3]!
    for (let k = r + 1; k < 3; k++) s -= a[r]![k]! * x[k]!
    x[r] = s / a[r]![r]!
  }
  return x
}

/** Inner problem: the best (a, b, ρ) for fixed (m, σ), projected onto b ≥ 0 and |ρ| < 1. */
function innerFit(points: SviPoint[], m: number, sigma: number): { params: SviParams; error: number } {
  const ata = [[0, 0, 0], [0, 0, 0], [0, 0, 0]]
  const atb = [0, 0, 0]
  for (const pt of points) {
    const y = (pt.k - m) / sigma
    const row = [1, y, Math.sqrt(y * y + 1)]
    const wt = pt.weight ?? 1
    for (let i = 0; i < 3; i++) {
      atb[i]! += wt * row[i]! * pt.w
      for (let j = 0; j < 3; j++) ata[i]![j]! += wt * row[i]! * row[j]!
    }
  }
  const x = solve3(ata, atb) ?? [points.reduce((s, p) => s + p.w, 0) / points.length, 0, 0]
  const q = Math.max(x[2]!, 0)
  const p = Math.max(-0.999 * q, Math.min(0.999 * q, x[1]!))
  const params: SviParams = { a: x[0]!, b: q / sigma, rho: q > 0 ? p / q : 0, m, sigma }
  let error = 0
  for (const pt of points) error += (pt.weight ?? 1) * (sviTotalVariance(params, pt.k) - pt.w) ** 2
  return { params, error }
}

function nelderMead(f: (x: number[]) => number, start: number[], step: number[], iterations = 400): number[] {
  let simplex = [start, ...start.map((_, i) => start.map((v, j) => (i === j ? v + step[j]! : v)))].map((x) => ({ x, fx: f(x) }))
  for (let it = 0; it < iterations; it++) {
    simplex.sort((p, q) => p.fx - q.fx)
    const best = simplex[0]!
    const worst = simplex[simplex.length - 1]!
    if (Math.abs(worst.fx - best.fx) <= 1e-16 * (1 + Math.abs(best.fx))) break
    const centroid = start.map((_, j) => simplex.slice(0, -1).reduce((s, p) => s + p.x[j]!, 0) / (simplex.length - 1))
    const along = (t: number) => centroid.map((c, j) => c + t * (worst.x[j]! - c))
    const reflected = { x: along(-1), fx: 0 }
    reflected.fx = f(reflected.x)
    if (reflected.fx < best.fx) {
      const expanded = { x: along(-2), fx: 0 }
      expanded.fx = f(expanded.x)
      simplex[simplex.length - 1] = expanded.fx < reflected.fx ? expanded : reflected
    } else if (reflected.fx < simplex[simplex.length - 2]!.fx) {
      simplex[simplex.length - 1] = reflected
    } else {
      const contracted = { x: along(0.5), fx: 0 }
      contracted.fx = f(contracted.x)
      if (contracted.fx < worst.fx) simplex[simplex.length - 1] = contracted
      else simplex = simplex.map((p, i) => (i === 0 ? p : { x: p.x.map((v, j) => best.x[j]! + 0.5 * (v - best.x[j]!)), fx: f(p.x.map((v, j) => best.x[j]! + 0.5 * (v - best.x[j]!))) }))
    }
  }
  simplex.sort((p, q) => p.fx - q.fx)
  return simplex[0]!.x
}

export interface SviFit {
  params: SviParams
  /** Per point: fitted minus quoted implied vol, in vol points (0.01 = 1 vol point), given the slice's T. */
  errorsVolPoints: number[]
  rmseVolPoints: number
}

/** Fits one expiry's smile; `timeYears` converts total-variance errors to implied-vol errors for the report. */
export function fitSvi(points: SviPoint[], timeYears: number): SviFit {
  if (points.length < 5) throw new DataUnavailable(`an SVI fit needs at least 5 quotes, got ${points.length}`, { at: 'points' })
  if (!(timeYears > 0)) throw new InvalidInput('timeYears', 'must be positive')
  points.forEach((p, i) => {
    if (!Number.isFinite(p.k)) throw new DataUnavailable(`quote ${i} has no finite log-moneyness (${p.k})`, { at: `points[${i}].k` })
    if (!(p.w > 0)) throw new DataUnavailable(`quote ${i}: total variance must be positive, got ${p.w}`, { at: `points[${i}].w` })
  })
  const ks = points.map((p) => p.k)
  const spread = Math.max(...ks) - Math.min(...ks) || 0.1
  // Search over m and ln σ, each start from a few seeds: the outer problem is smooth but not convex.
  const objective = (x: number[]) => innerFit(points, x[0]!, Math.exp(x[1]!)).error
  let best: number[] = [0, Math.log(0.1)]
  for (const m0 of [0, ks.reduce((s, k) => s + k, 0) / ks.length]) {
    for (const s0 of [0.05, 0.2, 0.5]) {
      const candidate = nelderMead(objective, [m0, Math.log(s0 * spread)], [0.1 * spread, 0.5])
      if (objective(candidate) < objective(best)) best = candidate
    }
  }
  const { params } = innerFit(points, best[0]!, Math.exp(best[1]!))
  const errorsVolPoints = points.map((p) => Math.sqrt(Math.max(sviTotalVariance(params, p.k), 0) / timeYears) - Math.sqrt(p.w / timeYears))
  const rmseVolPoints = Math.sqrt(errorsVolPoints.reduce((s, e) => s + e * e, 0) / errorsVolPoints.length)
  return { params, errorsVolPoints, rmseVolPoints }
}
