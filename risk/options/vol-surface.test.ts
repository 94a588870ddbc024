import { describe, expect, test } from '@jest/globals'
import { butterflyDensity, fitSvi, sviTotalVariance, type SviParams } from './svi.js'
import { buildVolSurface, type OptionQuote } from './vol-surface.js'

const ks = Array.from({ length: 21 }, (_, i) => -0.6 + i * 0.06)

describe('SVI', () => {
  test('recovers the parameters of an exact SVI smile', () => {
    const truth: SviParams = { a: 0.04, b: 0.2, rho: -0.3, m: 0.05, sigma: 0.15 }
    const fit = fitSvi(ks.map((k) => ({ k, w: sviTotalVariance(truth, k) })), 0.5)
    expect(fit.params.a).toBeCloseTo(truth.a, 5)
    expect(fit.params.b).toBeCloseTo(truth.b, 4)
    expect(fit.params.rho).toBeCloseTo(truth.rho, 4)
    expect(fit.params.m).toBeCloseTo(truth.m, 4)
    expect(fit.params.sigma).toBeCloseTo(truth.sigma, 4)
    expect(fit.rmseVolPoints).toBeLessThan(1e-5)
  })

  test("flags butterfly arbitrage in Vogt's example smile (Gatheral & Jacquier 2014, §5.1)", () => {
    // a = −0.0410, b = 0.1331, ρ = 0.3060, m = 0.3586, σ = 0.4153: g(k) < 0 around k ≈ 1.
    const vogt: SviParams = { a: -0.041, b: 0.1331, rho: 0.306, m: 0.3586, sigma: 0.4153 }
    expect(Math.min(...Array.from({ length: 200 }, (_, i) => butterflyDensity(vogt, -1.5 + i * 0.015)))).toBeLessThan(0)
    // A symmetric, moderately curved smile has none.
    const calm: SviParams = { a: 0.02, b: 0.1, rho: 0, m: 0, sigma: 0.3 }
    expect(Math.min(...ks.map((k) => butterflyDensity(calm, k)))).toBeGreaterThan(0)
  })

  test('refuses too few quotes or a non-positive variance, naming the field', () => {
    expect(() => fitSvi([{ k: 0, w: 0.1 }], 1)).toThrow(/points: an SVI fit needs at least 5 quotes/)
    expect(() => fitSvi(ks.map((k, i) => ({ k, w: i === 3 ? -1 : 0.1 })), 1)).toThrow(/points\[3\]\.w/)
  })
})

describe('volatility surface', () => {
  const asOfMs = Date.UTC(2026, 0, 1)
  const day = 86_400_000
  const chain = (expiryDays: number, atmVol: number, skew: number): OptionQuote[] =>
    ks.map((k) => ({ expiryMs: asOfMs + expiryDays * day, strike: 60000 * Math.exp(k), forward: 60000, iv: atmVol + skew * k + 0.3 * k * k }))

  test('fits each expiry, interpolates total variance in time, and reports fit errors', () => {
    const surface = buildVolSurface({ underlying: 'BTC', asOfMs, quotes: [...chain(30, 0.6, -0.1), ...chain(90, 0.55, -0.08)] })
    expect(surface.slices).toHaveLength(2)
    for (const s of surface.slices) expect(s.rmseVolPoints).toBeLessThan(0.01)
    expect(surface.volAt(60000, asOfMs + 30 * day, 60000)).toBeCloseTo(0.6, 2)
    // Between expiries, ATM total variance is linear in T: 60 days → (0.6²·30 + (0.55²·90 − 0.6²·30)/2)/60.
    const w30 = 0.6 ** 2 * (30 / 365)
    const w90 = 0.55 ** 2 * (90 / 365)
    expect(surface.volAt(60000, asOfMs + 60 * day, 60000)).toBeCloseTo(Math.sqrt((w30 + w90) / 2 / (60 / 365)), 2)
    expect(surface.arbitrage.calendar).toEqual([])
    expect(surface.shift(0.5).volAt(60000, asOfMs + 30 * day, 60000)).toBeCloseTo(0.9, 2)
  })

  test('a later expiry with less total variance is flagged as calendar arbitrage', () => {
    const surface = buildVolSurface({ underlying: 'BTC', asOfMs, quotes: [...chain(30, 0.9, 0), ...chain(60, 0.4, 0)] })
    expect(surface.arbitrage.calendar.length).toBeGreaterThan(0)
  })

  test('bad quotes are refused naming the field', () => {
    expect(() => buildVolSurface({ underlying: 'BTC', asOfMs, quotes: [{ expiryMs: asOfMs + day, strike: 1, forward: 1, iv: -0.2 }] })).toThrow(/quotes\[0\]\.iv/)
    expect(() => buildVolSurface({ underlying: 'BTC', asOfMs, quotes: [] })).toThrow(/quotes/)
  })
})
