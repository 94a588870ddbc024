// Risk batch benchmark: 10,000 portfolios × 20 positions revalued on 1,000 historical + 50 stress scenarios,
// against a hand-written Float64Array loop doing the same multiply-adds in the same run (reported as a ratio).
// Linear books and option books are reported apart; plus one portfolio's incremental recompute after a price
// change, and the batch's memory. Synthetic, seeded data: the point is speed, not the numbers.
import { performance } from 'node:perf_hooks'
import { prepareBook, revaluePrepared, scenarioMoves } from '../risk/revaluation.js'
import { expectedShortfall } from '../risk/measures.js'
import type { MarketState, RiskAccount, ScenarioSet } from '../risk/types.js'
import type { BenchResult } from './graphql-throughput.js'

const PORTFOLIOS = Number(process.env.BENCH_PORTFOLIOS ?? 10_000)
const POSITIONS = 20
const SCENARIOS = 1_050
const FACTORS = 50

function rng(seed: number) {
  let s = seed >>> 0
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296
}

function buildScenarios(): ScenarioSet {
  const random = rng(7)
  const logReturns = new Float64Array(SCENARIOS * FACTORS)
  for (let i = 0; i < logReturns.length; i++) logReturns[i] = 0.04 * Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random())
  return { factors: Array.from({ length: FACTORS }, (_, f) => `F${f}`), count: SCENARIOS, logReturns, volShifts: null, labels: Array.from({ length: SCENARIOS }, (_, s) => `s${s}`) }
}

function buildPortfolios(options: boolean, market: MarketState): RiskAccount[] {
  const random = rng(options ? 11 : 13)
  return Array.from({ length: PORTFOLIOS }, (_, p) => {
    const factors = new Set<number>()
    while (factors.size < POSITIONS) factors.add(Math.floor(random() * FACTORS))
    const id = `p${p}`
    return {
      id,
      venue: 'bench',
      label: id,
      marginMode: null,
      balances: [],
      positions: [...factors].map((f, i) => {
        const isOption = options && i < 5
        return {
          id: `${id}-${i}`,
          accountId: id,
          size: (random() - 0.5) * 10,
          entryPrice: null,
          instrument: isOption
            ? { symbol: `F${f}-OPT`, kind: 'option' as const, underlying: `F${f}`, inverse: false, expiryMs: market.asOfMs + 30 * 86_400_000, strike: market.prices[`F${f}`]! * (0.8 + 0.4 * random()), optionType: random() < 0.5 ? ('call' as const) : ('put' as const) }
            : { symbol: `F${f}-PERP`, kind: 'perpetual' as const, underlying: `F${f}`, inverse: false, expiryMs: null, strike: null, optionType: null },
        }
      }),
    }
  })
}

/** The baseline: per portfolio, per scenario, Σ size·price·(exp(r) − 1) over its positions, moves precomputed. */
function baseline(portfolios: RiskAccount[], market: MarketState, moves: Float64Array, factors: string[]): number {
  const index = new Map(factors.map((f, i) => [f, i]))
  let checksum = 0
  const out = new Float64Array(SCENARIOS)
  for (const p of portfolios) {
    const n = p.positions.length
    const w = new Float64Array(n)
    const f = new Int32Array(n)
    p.positions.forEach((pos, i) => {
      f[i] = index.get(pos.instrument.underlying)!
      w[i] = pos.size * market.prices[pos.instrument.underlying]!
    })
    for (let s = 0; s < SCENARIOS; s++) {
      const row = s * FACTORS
      let pnl = 0
      for (let i = 0; i < n; i++) pnl += w[i]! * moves[row + f[i]!]!
      out[s] = pnl
    }
    checksum += out[0]!
  }
  return checksum
}

function engine(portfolios: RiskAccount[], market: MarketState, scenarios: ScenarioSet, moves: Float64Array): number {
  let checksum = 0
  for (const p of portfolios) {
    const result = revaluePrepared(prepareBook([p], market, scenarios.factors), scenarios, moves)
    checksum += result.book[0]!
  }
  return checksum
}

function time(fn: () => unknown): number {
  const start = performance.now()
  fn()
  return performance.now() - start
}

export async function runRiskBatchBench(): Promise<BenchResult[]> {
  const scenarios = buildScenarios()
  const market: MarketState = { asOfMs: Date.UTC(2026, 0, 1), prices: Object.fromEntries(scenarios.factors.map((f, i) => [f, 10 + i])), volSurfaces: {}, impliedVols: {} }
  for (const f of scenarios.factors) market.impliedVols[`${f}-OPT`] = 0.6
  const moves = scenarioMoves(scenarios)
  const linear = buildPortfolios(false, market)
  const withOptions = buildPortfolios(true, market)

  // Warm both paths once on a slice so JIT compilation is not measured.
  baseline(linear.slice(0, 200), market, moves, scenarios.factors)
  engine(linear.slice(0, 200), market, scenarios, moves)

  const memBefore = process.memoryUsage()
  const baselineMs = time(() => baseline(linear, market, moves, scenarios.factors))
  const engineMs = time(() => engine(linear, market, scenarios, moves))
  const memAfter = process.memoryUsage()
  const optionsMs = time(() => engine(withOptions, market, scenarios, moves))

  // Incremental: one portfolio, one price change, recompiled and revalued, then its ES.
  const one = linear[0]!
  const samples: number[] = []
  for (let i = 0; i < 300; i++) {
    const bumped = { ...market, prices: { ...market.prices, F0: market.prices.F0! * (1 + 0.0001 * i) } }
    samples.push(time(() => expectedShortfall(revaluePrepared(prepareBook([one], bumped, scenarios.factors), scenarios, moves).book, 0.975)))
  }
  samples.sort((a, b) => a - b)

  return [
    { name: `baseline loop, ${PORTFOLIOS} linear portfolios × ${POSITIONS} positions × ${SCENARIOS} scenarios`, value: baselineMs, unit: 'ms' },
    { name: 'engine, same linear batch', value: engineMs, unit: 'ms' },
    { name: 'engine / baseline (linear, goal ≤ 1.5)', value: engineMs / baselineMs, unit: 'x' },
    { name: 'engine, option books (5 of 20 positions Black-76 per scenario)', value: optionsMs, unit: 'ms', detail: `${(optionsMs / baselineMs).toFixed(1)}x the linear baseline` },
    { name: 'incremental: one portfolio after one price change, median', value: samples[Math.floor(samples.length / 2)]!, unit: 'ms', detail: `p99 ${samples[Math.floor(samples.length * 0.99)]!.toFixed(3)} ms (goal < 1 ms)` },
    { name: 'heap growth during the linear batch', value: (memAfter.heapUsed - memBefore.heapUsed) / 2 ** 20, unit: 'MiB', detail: `RSS ${(memAfter.rss / 2 ** 20).toFixed(0)} MiB` },
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await runRiskBatchBench()) console.log(`${r.name}: ${r.value.toFixed(3)} ${r.unit}${r.detail ? ` (${r.detail})` : ''}`)
}
