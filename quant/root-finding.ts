// Bracketed root finding for liquidation searches: a geometric scan finds the first sign change nearest today,
// then Brent's method (inverse quadratic interpolation guarded by bisection) pins it to ~1e-14 in the move.
import { InvalidInput } from '../core/errors.js'

/**
 * Brent's method on [a, b] with f(a)·f(b) ≤ 0. Converges superlinearly on smooth functions and never worse than
 * bisection, which matters for margin buffers that are piecewise linear (bracket kinks) or option-curved.
 */
export function brentRoot(f: (x: number) => number, a: number, b: number, xtol = 1e-14, maxIter = 200): number {
  let fa = f(a)
  let fb = f(b)
  if (fa === 0) return a
  if (fb === 0) return b
  if (!(Number.isFinite(fa) && Number.isFinite(fb))) throw new InvalidInput('brentRoot.bracket', `f is not finite at the bracket ends (${fa}, ${fb})`)
  if (fa * fb > 0) throw new InvalidInput('brentRoot.bracket', `f(${a}) and f(${b}) have the same sign`)
  if (Math.abs(fa) < Math.abs(fb)) {
    ;[a, b] = [b, a]
    ;[fa, fb] = [fb, fa]
  }
  let c = a
  let fc = fa
  let d = b - a
  let bisected = true
  for (let i = 0; i < maxIter; i++) {
    if (fb === 0 || Math.abs(b - a) <= xtol * Math.max(1, Math.abs(b))) return b
    let s: number
    if (fa !== fc && fb !== fc) {
      s = (a * fb * fc) / ((fa - fb) * (fa - fc)) + (b * fa * fc) / ((fb - fa) * (fb - fc)) + (c * fa * fb) / ((fc - fa) * (fc - fb))
    } else {
      s = b - (fb * (b - a)) / (fb - fa)
    }
    // Fall back to bisection when interpolation leaves the safe interval or converges too slowly.
    const lo = (3 * a + b) / 4
    const outside = !((s > Math.min(lo, b) && s < Math.max(lo, b)))
    const slow = bisected ? Math.abs(s - b) >= Math.abs(b - c) / 2 : Math.abs(s - b) >= Math.abs(c - d) / 2
    const tiny = bisected ? Math.abs(b - c) < xtol : Math.abs(c - d) < xtol
    if (outside || slow || tiny) {
      s = (a + b) / 2
      bisected = true
    } else bisected = false
    const fs = f(s)
    d = c
    c = b
    fc = fb
    if (fa * fs < 0) {
      b = s
      fb = fs
    } else {
      a = s
      fa = fs
    }
    if (Math.abs(fa) < Math.abs(fb)) {
      ;[a, b] = [b, a]
      ;[fa, fb] = [fb, fa]
    }
  }
  return b
}

export interface RootSearchOptions {
  /** Largest fall searched, as a relative move (0.99 = −99 %). */
  maxDown?: number
  /** Largest rise searched (10 = +1,000 %). */
  maxUp?: number
  /** Scan points per side, geometric in |move| from 1e-4: 96 points keep consecutive points ~10 % apart. */
  samples?: number
}

/**
 * Nearest moves on each side of 0 where `buffer(move)` (positive = safe) first reaches zero, or null when it stays
 * positive to the search limit. Assumes buffer(0) > 0; two crossings between adjacent scan points can be missed.
 */
export function nearestCrossings(buffer: (move: number) => number, options: RootSearchOptions = {}): { down: number | null; up: number | null } {
  const samples = options.samples ?? 96
  return { down: firstCrossing(buffer, options.maxDown ?? 0.99, -1, samples), up: firstCrossing(buffer, options.maxUp ?? 10, 1, samples) }
}

/**
 * First x in sign·(0, limit] where f(x) ≤ 0, scanning |x| geometrically from min(1e-4, limit), then Brent between
 * the last safe point and the first unsafe one; null when f stays positive. Assumes f(0) > 0.
 */
export function firstCrossing(f: (x: number) => number, limit: number, sign: 1 | -1, samples = 96): number | null {
  if (!(limit > 0)) throw new InvalidInput('limit', `must be positive, got ${limit}`)
  const first = Math.min(1e-4, limit)
  const ratio = Math.pow(limit / first, 1 / Math.max(1, samples - 1))
  let prev = 0
  let m = first
  for (let k = 0; k < samples; k++) {
    const x = sign * (k === samples - 1 ? limit : Math.min(m, limit))
    const value = f(x)
    if (Number.isNaN(value)) throw new InvalidInput('buffer', `is NaN at ${x}`)
    if (value <= 0) return value === 0 ? x : brentRoot(f, prev, x)
    prev = x
    m *= ratio
  }
  return null
}
