// Credentials never leave through logs or the API: the indexer fetches CEX accounts with known test secrets —
// healthy, rejected (401) and broken (500) — while every log line is captured, then every account field is read
// through GraphQL; neither the logs nor any response contains a secret.
import path from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { createLogger } from '../../core/logger.js'
import { Indexer } from '../../indexer/indexer.js'
import { venueConnectors } from '../../venues/index.js'
import { startBinanceReplay } from '../../venues/binance/local/replay.js'
import { startDeribitReplay } from '../../venues/deribit/local/replay.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import { sharedDataPath } from '../support/shared-data.js'
import { useTestApi } from '../support/api.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const SECRETS: Record<string, string> = {
  BIN_KEY: 'binance-key-SECRET-7d1e0a',
  BIN_SECRET: 'binance-secret-SECRET-99f3b2',
  DRB_ID: 'deribit-id-SECRET-a4c8',
  DRB_SECRET: 'deribit-secret-SECRET-51e6',
}

describe('no secret in logs or API responses', () => {
  const t = useTestApi()
  let binance: ReplayServer
  let deribit: ReplayServer
  const lines: string[] = []

  beforeAll(async () => {
    binance = await startBinanceReplay({ fixtures: path.join(root, 'venues', 'binance', 'local', 'demo-account') })
    deribit = await startDeribitReplay({
      'private/get_account_summaries': sharedDataPath('venue-responses', 'deribit', 'http_get_account_summaries.nautilus.json'),
      'private/get_positions': sharedDataPath('venue-responses', 'deribit', 'private-get_positions.docs-example.json'),
      'public/get_book_summary_by_currency': path.join(root, 'venues', 'deribit', 'testdata', 'public-get_book_summary_by_currency.option.json'),
    })
    const portfolio = await t.db.prisma.portfolio.create({ data: { name: 'Secrets' } })
    await t.db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'binance', label: 'binance', config: { market: 'usdm', apiKeyEnv: 'BIN_KEY', secretEnv: 'BIN_SECRET' } } })
    await t.db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'deribit', label: 'deribit', config: { currency: 'BTC', clientIdEnv: 'DRB_ID', clientSecretEnv: 'DRB_SECRET' } } })
  })
  afterAll(async () => {
    await binance?.close()
    await deribit?.close()
  })

  test('fetches that succeed, are refused and break leave no secret behind', async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString())
        done()
      },
    })
    const logger = createLogger({ level: 'debug' }, sink)
    const indexer = new Indexer({
      prisma: t.db.prisma,
      venues: venueConnectors,
      clientEnv: { secret: (name) => SECRETS[name], timeoutMs: 2_000, urlOverrides: { binance: binance.url, deribit: deribit.url }, logger },
      logger,
      timeoutMs: 5_000,
      intervalMs: 60_000,
      concurrencyPerVenue: 1,
    })
    await indexer.runOnce()
    binance.setFault('GET /fapi/v2/account', { kind: 'status', status: 401, body: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } })
    deribit.setFault('*', { kind: 'status', status: 500 })
    await indexer.runOnce()
    await indexer.stop()
    // The run did log (a silent logger would prove nothing), including both failures.
    expect(lines.some((l) => l.includes('account indexed'))).toBe(true)
    expect(lines.filter((l) => l.includes('account fetch failed')).length).toBe(2)

    const res = await t.api.query(`{ portfolios { accounts { venue label status lastError snapshots(limit: 10) { status error } lastSnapshot { positions { instrument { venueSymbol } size } balances { asset amount } venueMargin { details reported { equity } } } } } }`)
    expect(res.errors).toBeUndefined()
    const everything = [...lines, JSON.stringify(res)].join('\n')
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret)
    // Nor in what was stored: the config holds environment-variable names, snapshots hold no request headers.
    const stored = JSON.stringify(await t.db.prisma.snapshot.findMany({ select: { raw: true, error: true } })) + JSON.stringify(await t.db.prisma.account.findMany({ select: { config: true, lastError: true } }))
    for (const secret of Object.values(SECRETS)) expect(stored).not.toContain(secret)
  })
})
