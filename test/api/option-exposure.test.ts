// A Deribit option chain stored as ImpliedVol rows (PGlite) and read back to value option positions: exposure is the
// Black-76 delta × size on the option's forward, and the risk engine reprices the options at the stored IV. The quote
// is the recorded public/get_order_book answer for BTC-15JAN21-28000-C (31 Dec 2020: mark IV 87.2 %, index 28,930.14,
// the synthetic future SYN.BTC-15JAN21 it is priced on at 29,153.69, mark 0.09096156 BTC), replayed in the chain's
// documented format (venues/deribit/local/recorded-option.ts).
//
// Expected figures come from Black's formula computed here, independently of risk/options (Black, F. (1976), "The
// pricing of commodity contracts", J. Financial Economics 3, 167–179; Hull, "Options, Futures, and Other
// Derivatives", ch. "Black's model"): with zero rates, d1 = (ln(F/K) + σ²T/2) / (σ√T), d2 = d1 − σ√T,
// call = F·N(d1) − K·N(d2), put = K·N(−d2) − F·N(−d1), call delta N(d1), put delta −N(−d1). N is integrated here
// from the normal density (Simpson's rule), not taken from the engine's normalCdf.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { silentLogger } from '../../core/logger.js'
import type { VenueSnapshot } from '../../core/domain.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import { writeSnapshot } from '../../indexer/snapshot-writer.js'
import { readCandlesCsv } from '../../market/price-csv.js'
import { storeCandles } from '../../market/candle-store.js'
import { deribitConnector } from '../../venues/deribit/connector.js'
import { deribitDescriptor } from '../../venues/deribit/descriptor.js'
import { startDeribitReplay } from '../../venues/deribit/local/replay.js'
import { bookSummaryAnswer, optionPositionAnswer, type RecordedOrderBook } from '../../venues/deribit/local/recorded-option.js'
import { createTestDatabase, type TestDatabase } from '../support/databases.js'
import { prepareBook } from '../../risk/revaluation.js'
import type { MarketState, RiskAccount } from '../../risk/types.js'
import { startTestApi, type TestApi } from '../support/api.js'
import { readSharedJson, sharedDataPath } from '../support/shared-data.js'

const book = readSharedJson<RecordedOrderBook>('venue-responses', 'deribit', 'public-get_order_book.option-BTC-15JAN21-28000-C.json')
const at = new Date('2020-12-31T03:20:00Z')
const expiryMs = Date.parse('2021-01-15T08:00:00Z')
const strike = 28000
const iv = 0.872
/** Deribit's index in the position answer: the BTC price the portfolio values everything at. */
const index = 28930.14
/** The option's underlying_price: the forward it is valued on, index × the stored forward ratio. */
const forward = 29153.69
const ratio = forward / index
/** BTC in the recorded account summary (http_get_account_summaries.nautilus.json). */
const wallet = 302.60065765

/** Φ(x) by Simpson's rule on the standard normal density over [−12, x]. */
function normalCdf(x: number, steps = 20_000): number {
  const a = -12
  const h = (x - a) / steps
  const pdf = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI)
  let sum = pdf(a) + pdf(x)
  for (let i = 1; i < steps; i++) sum += (i % 2 === 1 ? 4 : 2) * pdf(a + i * h)
  return (sum * h) / 3
}

function black(F: number, K: number, years: number, sigma: number) {
  const sd = sigma * Math.sqrt(years)
  const d1 = (Math.log(F / K) + 0.5 * sd * sd) / sd
  const d2 = d1 - sd
  return { callDelta: normalCdf(d1), putDelta: -normalCdf(-d1), call: F * normalCdf(d1) - K * normalCdf(d2), put: K * normalCdf(-d2) - F * normalCdf(-d1) }
}

const years = (expiryMs - at.getTime()) / (365 * 86_400_000)

describe('option chain to exposure and risk', () => {
  let db: TestDatabase
  let api: TestApi
  let server: ReplayServer
  let portfolioId: string
  let callAccountId: string
  let putAccountId: string

  beforeAll(async () => {
    db = await createTestDatabase('pglite')
    await storeCandles(db.prisma, 'BTC', 'binance-spot', readCandlesCsv(sharedDataPath('prices', 'BTC-USD-1d.csv')))
    server = await startDeribitReplay(
      { 'private/get_account_summaries': sharedDataPath('venue-responses', 'deribit', 'http_get_account_summaries.nautilus.json') },
      { 'public/get_book_summary_by_currency': bookSummaryAnswer([book]), 'private/get_positions': optionPositionAnswer(book, 2, 0.085) },
    )
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Options' } })
    portfolioId = portfolio.id
    const calls = await db.prisma.account.create({ data: { portfolioId, venue: 'deribit', label: 'deribit calls', config: {} } })
    const puts = await db.prisma.account.create({ data: { portfolioId, venue: 'deribit', label: 'deribit puts', config: {} } })
    callAccountId = calls.id
    putAccountId = puts.id
    const config = deribitDescriptor.configSchema.parse({ currency: 'BTC', clientIdEnv: 'ID', clientSecretEnv: 'SECRET' })
    const env = { secret: (n: string) => ({ ID: 'opt-id', SECRET: 'opt-secret' })[n], timeoutMs: 5_000, urlOverrides: { deribit: server.url }, logger: silentLogger() }
    // Two fetches in one quarter hour: the chain is stored once.
    let snapshot: VenueSnapshot | null = null
    for (const minutes of [0, 5]) {
      const client = deribitConnector.createClient(config, env)
      snapshot = await deribitConnector.fetchAccount(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date(at.getTime() + minutes * 60_000) })
      await deribitConnector.closeClient!(client)
      await writeSnapshot(db.prisma, calls, snapshot, 1)
    }
    // A second account short one put of the same strike (the chain's row serves both): the call's position
    // turned into the put, with no balance, so its only exposure is the put's.
    const [call] = snapshot!.positions
    const put = { ...call!, instrument: { ...call!.instrument, venueSymbol: 'BTC-15JAN21-28000-P', optionType: 'put' as const }, size: '-1' }
    await writeSnapshot(db.prisma, puts, { ...snapshot!, positions: [put], balances: [], impliedVols: [] }, 1)
    api = await startTestApi(db, { now: () => at })
  })
  afterAll(async () => {
    await api?.close()
    await server?.close()
    await db?.destroy()
  })

  test('the chain is stored as one ImpliedVol row per strike and quarter hour, however often it is fetched', async () => {
    const rows = await db.prisma.impliedVol.findMany()
    expect(rows.map((r) => [r.source, r.underlying, r.expiry.toISOString(), r.strike.toString(), r.iv.toString(), r.time.toISOString()])).toEqual([
      ['deribit', 'BTC', '2021-01-15T08:00:00.000Z', '28000', '0.872', '2020-12-31T03:15:00.000Z'],
    ])
    expect(Number(rows[0]!.forwardRatio)).toBeCloseTo(ratio, 12)
  })

  test('2 long calls add 2·N(d1) BTC and 1 short put adds N(−d1) BTC, at the stored IV on the forward (×F/S in BTC)', async () => {
    const res = await api.query<{ portfolio: { exposures: { asset: string; priceUsd: string; netUnits: string; byVenue: { accountId: string; units: string }[] }[] } }>(
      `query ($id: ID!) { portfolio(id: $id) { exposures { asset priceUsd netUnits byVenue { accountId units } } } }`,
      { id: portfolioId },
    )
    expect(res.errors).toBeUndefined()
    const btc = res.data!.portfolio.exposures.find((e) => e.asset === 'BTC')!
    expect(Number(btc.priceUsd)).toBe(index)
    const b = black(forward, strike, years, iv)
    const units = (accountId: string) => Number(btc.byVenue.find((r) => r.accountId === accountId)!.units)
    // Black's delta is per unit of the forward; the forward moves ratio × the index, so in BTC it is delta × ratio.
    expect(units(callAccountId)).toBeCloseTo(wallet + 2 * b.callDelta * ratio, 9)
    expect(units(putAccountId)).toBeCloseTo(-1 * b.putDelta * ratio, 9)
    // A sanity bound on the formula itself: a call 3 % in the money two weeks out has a delta a little over ½.
    expect(b.callDelta).toBeGreaterThan(0.55)
    expect(b.callDelta).toBeLessThan(0.65)
  })

  test('the risk engine reprices the options at the stored IV: BTC −16 % at unchanged vol', async () => {
    const res = await api.query<{ portfolio: { stress: { name: string; bookPnl: string }[] } }>(`query ($id: ID!) { portfolio(id: $id) { stress { name bookPnl } } }`, { id: portfolioId })
    expect(res.errors).toBeUndefined()
    const scenario = res.data!.portfolio.stress.find((s) => s.name === 'grid BTC −16% vol=')!
    const now = black(forward, strike, years, iv)
    const down = black(forward * 0.84, strike, years, iv)
    const expected = wallet * index * -0.16 + 2 * (down.call - now.call) - 1 * (down.put - now.put)
    expect(Number(scenario.bookPnl)).toBeCloseTo(expected, 1)
  })

  test('the engine values the option on its forward: Deribit’s own mark, 0.09096156 BTC, within 0.1 % (on the index, 4 % off)', () => {
    // Deribit quotes the premium in BTC: the USD value over the forward. At the quote's own time (03:18:50.848 UTC).
    const symbol = 'BTC-15JAN21-28000-C'
    const account: RiskAccount = {
      id: 'a', venue: 'deribit', label: 'a', marginMode: null, balances: [],
      positions: [{ id: 'p', accountId: 'a', size: 1, entryPrice: null, instrument: { symbol, kind: 'option', underlying: 'BTC', inverse: true, expiryMs, strike, optionType: 'call' } }],
    }
    const market = (forwardRatios?: Record<string, number>): MarketState => ({ asOfMs: 1_609_384_730_848, prices: { BTC: index }, volSurfaces: {}, impliedVols: { [symbol]: iv }, forwardRatios })
    const onForward = prepareBook([account], market({ [symbol]: ratio }), ['BTC']).options[0]!.valueNow / forward
    const onIndex = prepareBook([account], market(), ['BTC']).options[0]!.valueNow / index
    expect(Math.abs(onForward / 0.09096156 - 1)).toBeLessThan(0.001)
    expect(Math.abs(onIndex / 0.09096156 - 1)).toBeGreaterThan(0.04)
  })

  test('a mark older than a day is not used: the options add nothing then', async () => {
    const later = await startTestApi(db, { now: () => new Date(at.getTime() + 25 * 3600 * 1000) })
    try {
      const res = await later.query<{ portfolio: { exposures: { asset: string; netUnits: string }[] } }>(`query ($id: ID!) { portfolio(id: $id) { exposures { asset netUnits } } }`, { id: portfolioId })
      expect(res.errors).toBeUndefined()
      expect(Number(res.data!.portfolio.exposures.find((e) => e.asset === 'BTC')!.netUnits)).toBeCloseTo(wallet, 9)
    } finally {
      await later.close()
    }
  })
})
