// Binance Portfolio Margin (papi) through ccxt against a local replay server, and the key-permission check.
// uniMMR's definition is checked on Binance's own docs example; the account in testdata/pm is small enough to work
// out by hand (see its README).
import path from 'node:path'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, test } from '@jest/globals'
import { Decimal } from '../../core/decimal.js'
import { silentLogger } from '../../core/logger.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import { sharedDataPath } from '../../test/support/shared-data.js'
import { binanceConnector } from './connector.js'
import { binanceDescriptor } from './descriptor.js'
import { startBinancePmReplay } from './local/replay.js'
import { pmAccountFigures, RawPmAccountSchema } from './portfolio-margin.js'

const pmDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata', 'pm')
const KEY = 'pm-key-51c0e2'
const SECRET = 'pm-secret-9d3f17'
const env = (url: string) => ({ secret: (name: string) => ({ K: KEY, S: SECRET })[name], timeoutMs: 5_000, urlOverrides: { binance: url }, logger: silentLogger() })
const ctx = () => ({ signal: AbortSignal.timeout(20_000), logger: silentLogger(), now: () => new Date('2026-11-25T00:00:00Z') })

let server: ReplayServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

async function run<T>(market: string, work: (client: ReturnType<typeof binanceConnector.createClient>, config: ReturnType<typeof binanceDescriptor.configSchema.parse>) => Promise<T>, bodies = {}): Promise<T> {
  server = await startBinancePmReplay(pmDir, bodies)
  const config = binanceDescriptor.configSchema.parse({ market, apiKeyEnv: 'K', secretEnv: 'S' })
  const client = binanceConnector.createClient(config, env(server.url))
  try {
    return await work(client, config)
  } finally {
    await binanceConnector.closeClient?.(client)
  }
}

describe('Binance Portfolio Margin (papi)', () => {
  test('uniMMR is account equity / account maintenance margin: Binance’s docs example gives its own 5167.92171923', () => {
    // The docs example is JSON with comments and missing commas, as published (SOURCES.md): strip the comments and
    // close the lines, and nothing else.
    const text = readFileSync(sharedDataPath('venue-responses', 'binance', 'papi-v1-account.docs-example.jsonc'), 'utf8')
      .replace(/\/\/.*$/gm, '')
      .replace(/"\s*\n(\s*")/g, '",\n$1')
    const figures = pmAccountFigures(RawPmAccountSchema.parse(JSON.parse(text)))
    expect(figures.uniMMR!.toDecimalPlaces(8).toFixed()).toBe('5167.92171923')
  })

  test('UM and CM positions, maintenance margin by bracket and the uniMMR on it equal the account’s figures', async () => {
    const snapshot = await run('pm', (client, config) => binanceConnector.fetchAccount(client, config, ctx()))
    const { reported, replicated, details } = snapshot.margin as typeof snapshot.margin & { details: { uniMMR: string; reportedUniMMR: string; positions: { symbol: string; maintenanceMarginUsd: string }[] } }
    // BTCUSDT: 0.5 × 60,000 = 30,000 in bracket 1 (0.4 %, cum 0): 120. ETHUSD_PERP: 600 contracts × 10 USD = 2 ETH,
    // bracket 1 (0.4 %): 0.008 ETH × 3,000 = 24. Sum 144; uniMMR 12,000 / 144 = 83.333…
    expect(details.positions.map((p) => [p.symbol, p.maintenanceMarginUsd])).toEqual([['BTCUSDT', '120'], ['ETHUSD_PERP', '24']])
    expect(replicated.maintenanceMargin).toBe('144')
    expect(reported.maintenanceMargin).toBe('144')
    expect(details.uniMMR).toBe('83.33333333')
    expect(details.reportedUniMMR).toBe('83.33333333')
    // Margin ratio kept in every venue's sense, MM / equity = 1 / uniMMR.
    expect(new Decimal(reported.marginRatio!).toDecimalPlaces(10).toFixed()).toBe('0.012')
    expect(replicated.marginRatio).toBe(reported.marginRatio)
    expect(snapshot.positions.map((p) => [p.instrument.venueSymbol, p.size, p.instrument.inverse, p.marginMode])).toEqual([
      ['BTCUSDT', '0.5', false, 'portfolio'],
      ['ETHUSD_PERP', '-2', true, 'portfolio'],
    ])
    expect(snapshot.balances.map((b) => [b.asset, b.kind, b.amount])).toEqual([['USDT', 'wallet', '11000'], ['ETH', 'wallet', '0.1']])
  })

  test('an open margin loan leaves the replicated maintenance margin null (not understated) and shows the debt', async () => {
    const balance = JSON.parse(readFileSync(path.join(pmDir, 'balance.json'), 'utf8')) as Record<string, string>[]
    balance[0]!.crossMarginBorrowed = '500.00000000'
    const snapshot = await run('pm', (client, config) => binanceConnector.fetchAccount(client, config, ctx()), { balance })
    expect(snapshot.margin.replicated.maintenanceMargin).toBeNull()
    expect(snapshot.margin.reported.maintenanceMargin).toBe('144')
    expect(snapshot.balances).toContainEqual(expect.objectContaining({ asset: 'USDT', kind: 'debt', amount: '500', flags: ['margin-loan'] }))
  })
})

describe('Binance key permissions at addAccount', () => {
  test('a read-only key passes without a warning', async () => {
    await expect(run('usdm', (client, config) => binanceConnector.verifyAccount!(client, config, ctx()))).resolves.toEqual({ warnings: [] })
  })

  test('a key that can trade futures and withdraw is accepted with a warning naming both, and one about its IPs', async () => {
    const restrictions = JSON.parse(readFileSync(path.join(pmDir, 'apiRestrictions.read-only.json'), 'utf8')) as Record<string, boolean>
    const verification = await run('pm', (client, config) => binanceConnector.verifyAccount!(client, config, ctx()), { apiRestrictions: { ...restrictions, enableFutures: true, enableWithdrawals: true } })
    expect(verification.warnings).toEqual([
      'this Binance API key can withdraw funds, trade futures; crossmargin only reads, so a read-only key is safer',
      'this Binance API key is not restricted to IP addresses',
    ])
    expect(JSON.stringify(verification)).not.toContain(KEY)
  })

  test('a key Binance refuses is Unauthorized, with no secret in the message', async () => {
    server = await startBinancePmReplay(pmDir)
    server.setFault('GET /sapi/v1/account/apiRestrictions', { kind: 'status', status: 401, body: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } })
    const config = binanceDescriptor.configSchema.parse({ market: 'usdm', apiKeyEnv: 'K', secretEnv: 'S' })
    const client = binanceConnector.createClient(config, env(server.url))
    const error = await binanceConnector.verifyAccount!(client, config, ctx()).catch((e: Error) => e)
    await binanceConnector.closeClient?.(client)
    expect(error).toMatchObject({ code: 'UNAUTHORIZED' })
    expect((error as Error).message).not.toContain(KEY)
    expect((error as Error).message).not.toContain(SECRET)
  })
})
