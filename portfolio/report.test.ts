// How the risk report writes the engine's float64 figures: to the cent or to 1e-8, and never a made-up number.
import { describe, expect, test } from '@jest/globals'
import { units, usd } from './report.js'

describe('report figures', () => {
  test('USD is rounded to the cent and units to 1e-8', () => {
    expect(usd(1234.5678)).toBe('1234.57')
    expect(usd(0)).toBe('0.00')
    expect(units(0.123456789)).toBe('0.12345679')
  })

  test('a non-finite number is null, never "0.00" or "NaN"', () => {
    for (const x of [Number.NaN, Infinity, -Infinity]) {
      expect(usd(x)).toBeNull()
      expect(units(x)).toBeNull()
    }
  })
})
