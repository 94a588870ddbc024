// Historical crash replays applied to today's positions: each event is the joint cumulative log return of every
// factor over its window, ln(close on the last day / close on the day before the first), from the real daily
// history. Factors without history on those dates follow the proxy (BTC) scaled by a beta and are reported as
// proxied; moves the price files cannot carry (the USDC depeg) are given with their source.
import { DataUnavailable, InvalidInput } from '../../core/errors.js'
import type { PriceHistory, ScenarioSet } from '../types.js'

export interface CrashEvent {
  id: string
  name: string
  /** First and last day of the window (inclusive), UTC daily closes; the move runs from the close before `from`. */
  from: string
  to: string
  /** Why this window (what happened, why these days). */
  note: string
  /** Moves for factors the history does not carry, as log returns, each with its source. */
  overrides?: Record<string, { logReturn: number; source: string }>
  /** Relative implied-vol shift to apply with the replay (default 0: the history has no implied vols). */
  volShift?: number
}

export const DEFAULT_CRASH_EVENTS: CrashEvent[] = [
  { id: '2020-03-12', name: 'Black Thursday (12 Mar 2020)', from: '2020-03-12', to: '2020-03-12', note: 'COVID-19 liquidity crash; BTC −39.5 % close to close on Binance spot' },
  { id: '2021-05-19', name: 'China mining ban sell-off (19 May 2021)', from: '2021-05-19', to: '2021-05-19', note: 'One-day cascade of leveraged longs after Chinese regulators restated the crypto ban' },
  { id: '2022-05-terra', name: 'Terra/LUNA collapse (9–12 May 2022)', from: '2022-05-09', to: '2022-05-12', note: 'UST lost its peg from 9 May; four days cumulative, close of 8 May to close of 12 May' },
  { id: '2022-11-09', name: 'FTX collapse (9 Nov 2022)', from: '2022-11-09', to: '2022-11-09', note: 'Binance walked away from the FTX rescue; SOL fell hardest' },
  {
    id: '2023-03-usdc',
    name: 'USDC depeg (10–11 Mar 2023)',
    from: '2023-03-10',
    to: '2023-03-11',
    note:
      'Circle disclosed 3.3 bn USD at Silicon Valley Bank on 10 Mar; USDC troughed on 11 Mar and was back near par on 13 Mar after ' +
      'the US authorities backstopped SVB deposits. The window stops at the trough: by 13 Mar BTC had rallied ~18 %, a state ' +
      'that never coexisted with the depeg.',
    overrides: {
      'USDC-USD': { logReturn: Math.log(0.88), source: 'USDC traded near 0.88 USD at its trough on 11 Mar 2023 (widely reported intraday low 0.87–0.88, e.g. Reuters, 11 Mar 2023); not in the price files' },
    },
  },
  { id: '2024-08-05', name: 'Yen carry-trade unwind (5 Aug 2024)', from: '2024-08-05', to: '2024-08-05', note: 'Global risk-off as the yen carry trade unwound; ETH fell harder than BTC' },
  { id: '2025-10-10', name: 'Tariff liquidation cascade (10 Oct 2025)', from: '2025-10-10', to: '2025-10-10', note: 'Market-wide liquidation cascade after US tariff threats; alts (AVAX −0.32 in log terms) fell hardest' },
]

export interface CrashReplayOptions {
  /** Factors of the set, in order (default: the history's factors plus every override's factor). */
  factors?: string[]
  /** Factor whose move stands in for factors without history (default BTC). */
  proxy?: string
  /** Beta to the proxy per factor (default 1): a proxied factor moves beta × the proxy's log return. */
  betas?: Record<string, number>
}

export interface CrashFactorSource {
  factor: string
  source: 'history' | 'override' | 'proxy' | 'held'
  /** For `proxy`, the beta applied; for `override`, where the figure comes from. */
  detail: string
}

export interface CrashReplaySet extends ScenarioSet {
  events: CrashEvent[]
  /** Per scenario, where each factor's move comes from (history, a documented override, the proxy, or held). */
  sources: CrashFactorSource[][]
  /** Per scenario, the factors that were proxied or held at 0: report them beside the result. */
  proxied: string[][]
}

/** Cumulative log return of one series from the close before `from` to the close of `to`; NaN if either is missing. */
function windowReturn(closes: Float64Array, from: number, to: number): number {
  if (from < 1) return NaN
  const a = closes[from - 1]!
  const b = closes[to]!
  return a > 0 && b > 0 ? Math.log(b / a) : NaN
}

export function crashReplays(history: PriceHistory, events: CrashEvent[] = DEFAULT_CRASH_EVENTS, options: CrashReplayOptions = {}): CrashReplaySet {
  if (history.closes.length !== history.factors.length) throw new DataUnavailable(`the price history has ${history.closes.length} series for ${history.factors.length} factors`, { at: 'history.closes' })
  history.closes.forEach((c, i) => {
    if (c.length !== history.dates.length) throw new DataUnavailable(`the price history of ${history.factors[i]} has ${c.length} closes for ${history.dates.length} dates`, { at: `history.closes[${i}]` })
  })
  if (events.length === 0) throw new InvalidInput('events', 'needs at least one event')
  const overrideFactors = events.flatMap((e) => Object.keys(e.overrides ?? {}))
  const factors = options.factors ?? [...new Set([...history.factors, ...overrideFactors])]
  const proxy = options.proxy ?? 'BTC'
  const proxyIndex = history.factors.indexOf(proxy)
  const dateIndex = new Map(history.dates.map((d, i) => [d, i]))
  const F = factors.length
  const logReturns = new Float64Array(events.length * F)
  const sources: CrashFactorSource[][] = []
  events.forEach((event, e) => {
    const from = dateIndex.get(event.from)
    const to = dateIndex.get(event.to)
    if (from === undefined || to === undefined || to < from) throw new DataUnavailable(`the price history does not cover ${event.name} (${event.from}..${event.to})`, { at: `events[${e}]` })
    if (from < 1) throw new DataUnavailable(`the price history has no close the day before ${event.name} (${event.from})`, { at: `events[${e}].from` })
    const proxyMove = proxyIndex >= 0 ? windowReturn(history.closes[proxyIndex]!, from, to) : NaN
    const row: CrashFactorSource[] = []
    factors.forEach((factor, f) => {
      const override = event.overrides?.[factor]
      const i = history.factors.indexOf(factor)
      const fromHistory = i >= 0 ? windowReturn(history.closes[i]!, from, to) : NaN
      let move: number
      if (override) {
        if (!Number.isFinite(override.logReturn)) throw new InvalidInput(`events[${e}].overrides.${factor}.logReturn`, 'must be finite')
        move = override.logReturn
        row.push({ factor, source: 'override', detail: override.source })
      } else if (Number.isFinite(fromHistory)) {
        move = fromHistory
        row.push({ factor, source: 'history', detail: `${history.dates[from - 1]} → ${event.to} closes` })
      } else if (factor === 'USD' || factor.includes('-')) {
        // Stablecoins and basis factors held their peg unless the event says otherwise (an override).
        move = 0
        row.push({ factor, source: 'held', detail: 'no history and no documented move: held at par' })
      } else {
        if (!Number.isFinite(proxyMove)) throw new DataUnavailable(`${factor} has no price history on ${event.from}..${event.to} (${event.name}) and the proxy ${proxy} has none either`, { at: `events[${e}]` })
        const beta = options.betas?.[factor] ?? 1
        if (!Number.isFinite(beta)) throw new InvalidInput(`options.betas.${factor}`, `must be finite, got ${beta}`)
        move = beta * proxyMove
        row.push({ factor, source: 'proxy', detail: `${beta} × ${proxy} (${factor} has no history on ${event.from}..${event.to})` })
      }
      logReturns[e * F + f] = move
    })
    sources.push(row)
  })
  return {
    factors: [...factors],
    count: events.length,
    logReturns,
    volShifts: Float64Array.from(events, (e) => e.volShift ?? 0),
    labels: events.map((e) => e.name),
    events,
    sources,
    proxied: sources.map((row) => row.filter((s) => s.source === 'proxy' || s.source === 'held').map((s) => s.factor)),
  }
}
