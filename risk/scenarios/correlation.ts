// EWMA correlation matrices and their repair: the nearest valid correlation matrix (Higham 2002, alternating
// projections with Dykstra's correction) when an estimate is not positive semi-definite. Pure; float64.
import { InvalidInput } from '../../core/errors.js'
import { checkLambda } from './ewma.js'

export type Matrix = number[][]

function checkSquare(m: Matrix, field: string): number {
  const n = m.length
  m.forEach((row, i) => {
    if (row.length !== n) throw new InvalidInput(`${field}[${i}]`, `has ${row.length} columns for ${n} rows`)
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) throw new InvalidInput(`${field}[${i}][${j}]`, 'must be finite')
    })
  })
  return n
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: A = V·diag(values)·Vᵀ. */
export function symmetricEigen(a: Matrix): { values: number[]; vectors: Matrix } {
  const n = checkSquare(a, 'matrix')
  const m = a.map((r) => [...r])
  const v: Matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)))
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p]![q]! ** 2
    if (off < 1e-24) break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(m[p]![q]!) < 1e-300) continue
        const theta = (m[q]![q]! - m[p]![p]!) / (2 * m[p]![q]!)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const mkp = m[k]![p]!
          const mkq = m[k]![q]!
          m[k]![p] = c * mkp - s * mkq
          m[k]![q] = s * mkp + c * mkq
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p]![k]!
          const mqk = m[q]![k]!
          m[p]![k] = c * mpk - s * mqk
          m[q]![k] = s * mpk + c * mqk
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!
          const vkq = v[k]![q]!
          v[k]![p] = c * vkp - s * vkq
          v[k]![q] = s * vkp + c * vkq
        }
      }
    }
  }
  return { values: m.map((row, i) => row[i]!), vectors: v }
}

function projectPsd(a: Matrix): Matrix {
  const { values, vectors } = symmetricEigen(a)
  const n = a.length
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => values.reduce((s, lambda, k) => s + Math.max(lambda, 0) * vectors[i]![k]! * vectors[j]![k]!, 0)))
}

export function isPositiveSemiDefinite(a: Matrix, tolerance = 1e-12): boolean {
  return Math.min(...symmetricEigen(a).values) >= -tolerance
}

/** The nearest correlation matrix in the Frobenius norm (Higham 2002, algorithm 3.3). */
export function nearestCorrelation(a: Matrix, options: { maxIterations?: number; tolerance?: number } = {}): { matrix: Matrix; iterations: number } {
  const n = checkSquare(a, 'matrix')
  let y = a.map((r) => [...r])
  let ds: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  let x = y
  const tol = options.tolerance ?? 1e-12
  for (let it = 1; it <= (options.maxIterations ?? 1000); it++) {
    const r = y.map((row, i) => row.map((v, j) => v - ds[i]![j]!))
    x = projectPsd(r)
    ds = x.map((row, i) => row.map((v, j) => v - r[i]![j]!))
    const next = x.map((row, i) => row.map((v, j) => (i === j ? 1 : v)))
    let change = 0
    let norm = 0
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      change += (next[i]![j]! - y[i]![j]!) ** 2
      norm += next[i]![j]! ** 2
    }
    y = next
    if (Math.sqrt(change) <= tol * Math.sqrt(norm)) return { matrix: y, iterations: it }
  }
  return { matrix: y, iterations: options.maxIterations ?? 1000 }
}

/** EWMA correlation of return series (NaN days skipped pairwise), seeded from the first `seedDays` joint days. */
export function ewmaCorrelation(series: ArrayLike<number>[], lambda: number, seedDays = 30): Matrix {
  checkLambda(lambda)
  const n = series.length
  const len = series[0]?.length ?? 0
  series.forEach((s, i) => {
    if (s.length !== len) throw new InvalidInput(`series[${i}]`, `has ${s.length} values, expected ${len}`)
  })
  const cov = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  for (let t = 0; t < len; t++) {
    for (let i = 0; i < n; i++) {
      const ri = series[i]![t]!
      if (Number.isNaN(ri)) continue
      for (let j = i; j < n; j++) {
        const rj = series[j]![t]!
        if (Number.isNaN(rj)) continue
        const c = counts[i]![j]!
        // The seed is a plain average over the first joint days, then exponential weighting takes over.
        const next = c < seedDays ? (cov[i]![j]! * c + ri * rj) / (c + 1) : lambda * cov[i]![j]! + (1 - lambda) * ri * rj
        cov[i]![j] = next
        cov[j]![i] = next
        counts[i]![j] = c + 1
      }
    }
  }
  return cov.map((row, i) => row.map((v, j) => (i === j ? 1 : v / Math.sqrt(cov[i]![i]! * cov[j]![j]!))))
}
