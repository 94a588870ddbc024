import { describe, expect, test } from '@jest/globals'
import { correlationShifts, varianceBreaks, volatilityDrift } from './model-checks.js'

function gaussian(n: number, seed: number): Float64Array {
  let s = seed
  const u = () => ((s = (s * 1664525 + 1013904223) % 4294967296) + 0.5) / 4294967296
  return Float64Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()))
}
const dates = (n: number) => Array.from({ length: n }, (_, i) => new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString().slice(0, 10))

describe('model checks', () => {
  test('a variance that triples on day 600 is found there; a constant variance has no break', () => {
    const z = gaussian(1200, 1)
    const r = z.map((v, i) => v * (i < 600 ? 0.01 : 0.03))
    const breaks = varianceBreaks(r, dates(1200))
    expect(breaks.length).toBeGreaterThanOrEqual(1)
    const days = breaks.map((b) => (Date.parse(b.date) - Date.UTC(2020, 0, 1)) / 86_400_000)
    expect(days.some((d) => Math.abs(d - 600) <= 15)).toBe(true)
    expect(varianceBreaks(z.map((v) => v * 0.02), dates(1200))).toEqual([])
  })

  test('volatility drift fires when EWMA vol leaves 1.5× the long-run vol', () => {
    const z = gaussian(800, 2)
    const r = z.map((v, i) => v * (i < 500 ? 0.01 : 0.04))
    const events = volatilityDrift(r, dates(800))
    expect(events.length).toBeGreaterThan(0)
    expect(Date.parse(events[0]!.date)).toBeGreaterThan(Date.UTC(2020, 0, 1) + 499 * 86_400_000)
    expect(events[0]!.ratio).toBeGreaterThan(1.5)
  })

  test('a correlation that flips sign is reported with the windows before and after', () => {
    const a = gaussian(360, 3)
    const noise = gaussian(360, 4)
    const b = a.map((v, i) => (i < 180 ? v : -v) + 0.1 * noise[i]!)
    const shifts = correlationShifts(a, b, dates(360), { window: 90 })
    expect(shifts.some((s) => s.before > 0.9 && s.after < -0.9)).toBe(true)
  })
})
