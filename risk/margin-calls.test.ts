// Margin calls: levels, hysteresis (open at a line, resolve only past line + band), escalation, unified coverage.
import { describe, expect, test } from '@jest/globals'
import fc from 'fast-check'
import { DEFAULT_CALL_POLICY, evaluateMarginCalls, levelWithHysteresis, type OpenCall } from './margin-calls.js'
import type { VenueMetric } from './venue-rules.js'

const hf = (value: number): { metric: VenueMetric } => ({ metric: { kind: 'healthFactor', value, liquidationAt: 1 } })
const ratio = (value: number): { metric: VenueMetric } => ({ metric: { kind: 'marginRatio', value, liquidationAt: 1 } })
const step = (value: number, previous: OpenCall[], asOfMs = 1) => evaluateMarginCalls({ asOfMs, accounts: [{ accountId: 'a', venue: 'aave-v3', result: hf(value) }], previous })

describe('levels and hysteresis', () => {
  test('a health factor below 1.10 opens a call at the call line', () => {
    const r = step(1.08, [])
    expect(r.open).toHaveLength(1)
    expect(r.open[0]!.call).toMatchObject({ key: 'account:a', level: 'call', metric: 'healthFactor', threshold: 1.1, value: 1.08, openedAtMs: 1 })
    expect(r.keep).toEqual([])
    expect(r.resolve).toEqual([])
  })

  test('the call holds while HF wobbles above its line but below line + band (1.15), and resolves past it', () => {
    const opened = step(1.08, []).open[0]!.call
    const wobble = step(1.12, [opened], 2)
    expect(wobble.keep.map((d) => d.call.level)).toEqual(['call'])
    expect(wobble.keep[0]!.call.openedAtMs).toBe(1)
    const eased = step(1.16, [opened], 3)
    expect(eased.resolve.map((d) => d.call.level)).toEqual(['call'])
    expect(eased.open.map((d) => d.call.level)).toEqual(['warning']) // 1.16 is still below the 1.25 warning line
    const clear = step(1.31, [opened], 4)
    expect(clear.resolve).toHaveLength(1)
    expect(clear.open).toEqual([])
  })

  test('a worse reading escalates: the call resolves and a critical one opens', () => {
    const opened = step(1.08, []).open[0]!.call
    const r = step(1.01, [opened], 2)
    expect(r.resolve[0]!.reason).toMatch(/escalated to critical/)
    expect(r.open[0]!.call.level).toBe('critical')
  })

  test('margin ratio is worse when higher: 85 % is a call, it holds down to 75 %', () => {
    const t = DEFAULT_CALL_POLICY.marginRatio
    expect(levelWithHysteresis('marginRatio', 0.85, t, null)).toBe('call')
    expect(levelWithHysteresis('marginRatio', 0.77, t, 'call')).toBe('call')
    expect(levelWithHysteresis('marginRatio', 0.74, t, 'call')).toBe('warning')
    expect(levelWithHysteresis('marginRatio', 0.5, t, 'call')).toBeNull()
  })

  test('the unified book is called on equity over unified IM', () => {
    const r = evaluateMarginCalls({ asOfMs: 5, accounts: [{ accountId: 'b', venue: 'binance', result: ratio(0.1) }], unified: { equity: 90000, initialMargin: 100000 }, previous: [] })
    expect(r.open.map((d) => [d.call.key, d.call.level, d.call.value])).toEqual([['unified', 'call', 0.9]])
  })

  test('a call on an account that left the portfolio resolves', () => {
    const opened = step(1.08, []).open[0]!.call
    const r = evaluateMarginCalls({ asOfMs: 2, accounts: [], previous: [opened] })
    expect(r.resolve[0]!.reason).toMatch(/no longer/)
  })

  test('bad policies and inputs name the field', () => {
    expect(() => evaluateMarginCalls({ asOfMs: 0, accounts: [], previous: [], policy: { healthFactor: { warning: 1.1, call: 1.2, critical: 1.05, band: 0.05 } } })).toThrow(/policy\.healthFactor/)
    expect(() => step(NaN, [])).toThrow(/healthFactor/)
    expect(() => evaluateMarginCalls({ asOfMs: 0, accounts: [], unified: { equity: 1, initialMargin: -1 }, previous: [] })).toThrow(/unified\.initialMargin/)
  })
})

describe('no flapping', () => {
  test('property: once open, a call is never resolved by readings within its band', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1.03, max: 1.1499, noNaN: true }), { minLength: 1, maxLength: 30 }), (path) => {
        let open = step(1.09, []).open.map((d) => d.call)
        for (const v of path) {
          const r = step(v, open)
          expect(r.resolve).toEqual([])
          open = [...r.keep, ...r.open].map((d) => d.call)
          expect(open.map((c) => c.level)).toEqual(['call'])
        }
      }),
    )
  })
})
