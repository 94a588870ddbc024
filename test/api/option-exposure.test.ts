// An option chain from Deribit (documented format, replayed) stored as ImpliedVol rows, and an option position's
// exposure served as its Black-76 delta at the stored mark IV: N(d1) computed here by integrating the normal
// density (Simpson's rule), independently of the risk engine's normalCdf.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { silentLogger } from '../../core/logger.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import { writeSnapshot } from '../../indexer/snapshot-writer.js'
import { deribitConnector } from '../../venues/deribit/connector.js'
import { deribitDescriptor } from '../../venues/deribit/descriptor.js'
import { startDeribitReplay } from '../../venues/deribit/local/replay.js'
import { createTestDatabase, type TestDatabase } from '../support/databases.js'
import { startTestApi, type TestApi } from '../support/api.js'
import { sharedDataPath } from '../support/shared-data.js'

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'venues', 'deribit', 'testdata')
const at = new Date('2026-11-25T08:07:00Z')

/** Φ(x) by Simpson's rule on the standard normal density over [−12, x]. */
function normalCdfBySimpson(x: number, steps = 20_000): number {
  const a = -12
  const h = (x - a) / steps
  const pdf = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI)
  let sum = pdf(a) + pdf(x)
  for (let i = 1; i < steps; i++) sum += (i % 2 === 1 ? 4 : 2) * pdf(a + i * h)
  return (sum * h) / 3
}

describe('option chain to exposure', () => {
  let db: TestDatabase
  let api: TestApi
  let server: ReplayServer
  let portfolioId: string

  beforeAll(async () => {
    db = await createTestDatabase('pglite')
    server = await startDeribitReplay({
      'private/get_account_summaries': sharedDataPath('venue-responses', 'deribit', 'http_get_account_summaries.nautilus.json'),
      'private/get_positions': path.join(testdata, 'private-get_positions.option.json'),
      'public/get_book_summary_by_currency': path.join(testdata, 'public-get_book_summary_by_currency.option.json'),
    })
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Options' } })
    portfolioId = portfolio.id
    const account = await db.prisma.account.create({ data: { portfolioId, venue: 'deribit', label: 'deribit', config: {} } })
    const config = deribitDescriptor.configSchema.parse({ currency: 'BTC', clientIdEnv: 'ID', clientSecretEnv: 'SECRET' })
    const env = { secret: (n: string) => ({ ID: 'opt-id', SECRET: 'opt-secret' })[n], timeoutMs: 5_000, urlOverrides: { deribit: server.url }, logger: silentLogger() }
    // Two fetches in one quarter hour: the chain is stored once.
    for (let i = 0; i < 2; i++) {
      const client = deribitConnector.createClient(config, env)
      const snapshot = await deribitConnector.fetchAccount(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => at })
      await deribitConnector.closeClient!(client)
      await writeSnapshot(db.prisma, account, snapshot, 1)
    }
    api = await startTestApi(db, { now: () => at })
  })
  afterAll(async () => {
    await api?.close()
    await server?.close()
    await db?.destroy()
  })

  test('the chain is stored as ImpliedVol rows, once per bucket', async () => {
    const rows = await db.prisma.impliedVol.findMany({ orderBy: { strike: 'asc' } })
    expect(rows.map((r) => [r.underlying, r.strike.toString(), r.iv.toString(), r.source, r.expiry.toISOString()])).toEqual([
      ['BTC', '90000', '0.551', 'deribit', '2026-12-25T08:00:00.000Z'],
      ['BTC', '100000', '0.524', 'deribit', '2026-12-25T08:00:00.000Z'],
    ])
  })

  test('the 2 calls add 2 × N(d1) BTC to the exposure, at the stored mark IV and the account’s BTC price', async () => {
    const res = await api.query<{ portfolio: { exposures: { asset: string; netUnits: string; priceUsd: string }[] } }>(`query ($id: ID!) { portfolio(id: $id) { exposures { asset netUnits priceUsd } } }`, { id: portfolioId })
    expect(res.errors).toBeUndefined()
    const btc = res.data!.portfolio.exposures.find((e) => e.asset === 'BTC')!
    // Forward: the BTC price the portfolio has (Deribit's index in the position, 95,010); K 100,000; σ 0.524;
    // T from 25 Nov 08:07 to 25 Dec 08:00 UTC.
    const forward = Number(btc.priceUsd)
    expect(forward).toBe(95010)
    const years = (Date.parse('2026-12-25T08:00:00Z') - at.getTime()) / (365 * 24 * 3600 * 1000)
    const sigmaRootT = 0.524 * Math.sqrt(years)
    const d1 = (Math.log(forward / 100000) + 0.5 * sigmaRootT * sigmaRootT) / sigmaRootT
    const wallet = 302.60065765
    expect(Number(btc.netUnits)).toBeCloseTo(wallet + 2 * normalCdfBySimpson(d1), 9)
    // A sanity bound on the closed form itself: an out-of-the-money call a month out has a delta well under ½.
    expect(normalCdfBySimpson(d1)).toBeGreaterThan(0.2)
    expect(normalCdfBySimpson(d1)).toBeLessThan(0.5)
  })
})
