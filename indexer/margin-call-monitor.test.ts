// Which stored figure becomes the metric a margin call is decided on.
import { describe, expect, test } from 'vitest'
import { Decimal } from '../core/decimal.js'
import { venueMetric } from './margin-call-monitor.js'

const figures = (f: Partial<Record<'healthFactor' | 'marginRatio' | 'equity' | 'maintenanceMargin', string>>) => ({
  healthFactor: f.healthFactor ? new Decimal(f.healthFactor) : null,
  marginRatio: f.marginRatio ? new Decimal(f.marginRatio) : null,
  equity: f.equity ? new Decimal(f.equity) : null,
  maintenanceMargin: f.maintenanceMargin ? new Decimal(f.maintenanceMargin) : null,
})

describe('venueMetric', () => {
  test('a health factor wins where the venue has one (Aave)', () => {
    expect(venueMetric(figures({ healthFactor: '1.07', equity: '100', maintenanceMargin: '5' }))).toEqual({ kind: 'healthFactor', value: 1.07 })
  })
  test('the venue’s margin ratio next, then maintenance over equity (liquidation at 1 on both)', () => {
    expect(venueMetric(figures({ marginRatio: '0.42', equity: '100', maintenanceMargin: '5' }))).toEqual({ kind: 'marginRatio', value: 0.42 })
    // Deribit-style summary: MM 0.8857841 BTC over equity 302.61869214 BTC.
    expect(venueMetric(figures({ equity: '302.61869214', maintenanceMargin: '0.8857841' }))!.value).toBeCloseTo(0.8857841 / 302.61869214, 15)
  })
  test('equity at or below zero with a requirement is past liquidation; no requirement is no metric', () => {
    expect(venueMetric(figures({ equity: '-3', maintenanceMargin: '5' }))).toEqual({ kind: 'marginRatio', value: Infinity })
    expect(venueMetric(figures({ equity: '100', maintenanceMargin: '0' }))).toBeNull()
    expect(venueMetric(figures({}))).toBeNull()
  })
})
