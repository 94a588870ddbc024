// Stress scenarios as ScenarioSets: a price × volatility grid per underlying (Deribit's risk-matrix shape),
// replays of real crashes taken from the price history and applied to today's positions, and correlation breaks.
import { InvalidInput } from '../core/errors.js'
import { historyReturns } from './scenarios/returns.js'
import type { PriceHistory, ScenarioSet } from './types.js'

export interface CrashEvent {
  name: string
  /** First and last day of the move (inclusive): the replay is the cumulative log return over the window. */
  from: string
  to: string
  /** Moves for factors the price files do not carry (USDC depeg), as log returns, with their source. */
  extra?: Record<string, { logReturn: number; source: string }>
}

export const DEFAULT_CRASH_EVENTS: CrashEvent[] = [
  { name: 'Black Thursday (12 Mar 2020)', from: '2020-03-12', to: '2020-03-12' },
  { name: 'China mining ban crash (19 May 2021)', from: '2021-05-19', to: '2021-05-19' },
  { name: 'Terra/LUNA collapse (9–12 May 2022)', from: '2022-05-09', to: '2022-05-12' },
  { name: 'FTX collapse (9 Nov 2022)', from: '2022-11-09', to: '2022-11-09' },
  {
    name: 'USDC depeg (10–11 Mar 2023)',
    from: '2023-03-10',
    to: '2023-03-11',
    // USDC traded near 0.88 USD at its trough on 11 Mar 2023 (Circle's SVB exposure); not in the price files.
    extra: { 'USDC-USD': { logReturn: Math.log(0.88), source: 'USDC low ≈ 0.88 USD on 2023-03-11 (widely reported trough)' } },
  },
  { name: 'Yen carry unwind (5 Aug 2024)', from: '2024-08-05', to: '2024-08-05' },
  { name: 'Tariff liquidation cascade (10 Oct 2025)', from: '2025-10-10', to: '2025-10-10' },
]

export function crashReplays(history: PriceHistory, factors: string[], events: CrashEvent[] = DEFAULT_CRASH_EVENTS): ScenarioSet & { proxied: string[][] } {
  const returns = historyReturns(history)
  const btc = history.factors.indexOf('BTC')
  const out = new Float64Array(events.length * factors.length)
  const proxied: string[][] = []
  events.forEach((event, e) => {
    const from = history.dates.indexOf(event.from)
    const to = history.dates.indexOf(event.to)
    if (from < 0 || to < from) throw new InvalidInput(`events[${e}]`, `${event.from}..${event.to} is not in the history`)
    const cumulative = (series: Float64Array) => {
      let sum = 0
      for (let t = from; t <= to; t++) sum += series[t]!
      return sum
    }
    const proxies: string[] = []
    factors.forEach((factor, f) => {
      const extra = event.extra?.[factor]
      const i = history.factors.indexOf(factor)
      let move = extra ? extra.logReturn : i >= 0 ? cumulative(returns[i]!) : NaN
      if (Number.isNaN(move)) {
        // No history for this factor on that day: stablecoins and basis factors hold, others follow BTC.
        move = factor === 'USD' || factor.includes('-') ? 0 : btc >= 0 ? cumulative(returns[btc]!) : 0
        proxies.push(factor)
      }
      out[e * factors.length + f] = move
    })
    proxied.push(proxies)
  })
  return { factors, count: events.length, logReturns: out, volShifts: new Float64Array(events.length).fill(0.5), labels: events.map((e) => e.name), proxied }
}

/** Price moves × vol scenarios per underlying, others unchanged (Deribit's shape: ±16 % BTC, ±18 % ETH, 9 points). */
export function priceVolGrid(factors: string[], underlyings: string[], ranges: Record<string, number> = { BTC: 0.16, ETH: 0.18 }, defaultRange = 0.3, points = 9, volShocks = [0.5, 0, -0.25]): ScenarioSet {
  const rows: { f: number; move: number; vol: number; label: string }[] = []
  for (const u of underlyings) {
    const f = factors.indexOf(u)
    if (f < 0) throw new InvalidInput('underlyings', `${u} is not a factor`)
    const range = ranges[u] ?? defaultRange
    for (let i = 0; i < points; i++) {
      const move = -range + (2 * range * i) / (points - 1)
      for (const vol of volShocks) rows.push({ f, move, vol, label: `${u} ${move >= 0 ? '+' : ''}${(move * 100).toFixed(0)}% vol ${vol >= 0 ? '+' : ''}${(vol * 100).toFixed(0)}%` })
    }
  }
  const logReturns = new Float64Array(rows.length * factors.length)
  rows.forEach((r, s) => (logReturns[s * factors.length + r.f] = Math.log(1 + r.move)))
  return { factors, count: rows.length, logReturns, volShifts: Float64Array.from(rows, (r) => r.vol), labels: rows.map((r) => r.label) }
}

/** Hedges failing: alts fall while BTC rises; wrapped and staked tokens and stablecoins lose their peg. */
export function correlationBreaks(factors: string[]): ScenarioSet {
  const rows: { label: string; moves: Record<string, number> }[] = [
    { label: 'alts −25 %, BTC +10 %', moves: Object.fromEntries(factors.filter((f) => f !== 'BTC' && f !== 'USD' && !f.includes('-')).map((f) => [f, -0.25]).concat([['BTC', 0.1]])) },
    { label: 'BTC −20 %, alts +5 %', moves: Object.fromEntries(factors.filter((f) => f !== 'BTC' && f !== 'USD' && !f.includes('-')).map((f) => [f, 0.05]).concat([['BTC', -0.2]])) },
    // Basis factors are named TOKEN-PARENT (core/assets.ts): the parent says which kind of peg breaks.
    { label: 'basis blow-out: wrapped BTC −5 %, staked ETH −7 %, stablecoins −3 %', moves: Object.fromEntries(factors.filter((f) => f.includes('-')).map((f) => [f, f.endsWith('-USD') ? -0.03 : f.endsWith('-BTC') ? -0.05 : -0.07])) },
  ]
  const logReturns = new Float64Array(rows.length * factors.length)
  rows.forEach((r, s) => factors.forEach((f, i) => (logReturns[s * factors.length + i] = Math.log(1 + (r.moves[f] ?? 0)))))
  return { factors, count: rows.length, logReturns, volShifts: Float64Array.from(rows, () => 0.25), labels: rows.map((r) => r.label) }
}

export function concatScenarioSets(sets: ScenarioSet[], kinds: string[]): ScenarioSet & { kinds: string[] } {
  const factors = sets[0]?.factors ?? []
  const count = sets.reduce((n, s) => n + s.count, 0)
  const logReturns = new Float64Array(count * factors.length)
  const volShifts = new Float64Array(count)
  let offset = 0
  const outKinds: string[] = []
  sets.forEach((set, i) => {
    logReturns.set(set.logReturns, offset * factors.length)
    if (set.volShifts) volShifts.set(set.volShifts, offset)
    offset += set.count
    for (let s = 0; s < set.count; s++) outKinds.push(kinds[i]!)
  })
  return { factors, count, logReturns, volShifts, labels: sets.flatMap((s) => s.labels), kinds: outKinds }
}
