// Binance USDⓈ-M through ccxt against a local replay server: Binance's documented responses first, then the
// hand-written demo account; maintenance margin by bracket checked against Binance's documented formula.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { readFileSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { Decimal } from '../../core/decimal.js'
import { silentLogger } from '../../core/logger.js'
import type { VenueSnapshot } from '../../core/domain.js'
import { startReplayServer, type ReplayFault, type ReplayServer } from '../../core/replay/http-replay-server.js'
import { sharedDataPath } from '../../test/support/shared-data.js'
import { describeConnectorConformance, replayFault } from '../../test/support/connector-conformance.js'
import { binanceConnector } from './connector.js'
import { binanceDescriptor } from './descriptor.js'
import { binanceRoutes, fixtureFiles, startBinanceReplay } from './local/replay.js'
import { calculateBinanceAccount, crossLiquidationPrice, type LeverageBracket } from './margin.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const demoDir = path.join(here, 'local', 'demo-account')
const testdata = path.join(here, 'testdata')
const KEY = 'test-key-7f3a9c'
const SECRET = 'test-secret-b81d44'
const config = binanceDescriptor.configSchema.parse({ market: 'usdm', apiKeyEnv: 'TEST_BINANCE_KEY', secretEnv: 'TEST_BINANCE_SECRET' })
const envFor = (url: string, timeoutMs = 5_000) => ({
  secret: (name: string) => ({ TEST_BINANCE_KEY: KEY, TEST_BINANCE_SECRET: SECRET })[name],
  timeoutMs,
  urlOverrides: { binance: url },
  logger: silentLogger(),
})

async function fetchFrom(url: string, timeoutMs?: number): Promise<VenueSnapshot> {
  const client = binanceConnector.createClient(config, envFor(url, timeoutMs))
  try {
    return await binanceConnector.fetchAccount(client, config, { signal: AbortSignal.timeout(20_000), logger: silentLogger(), now: () => new Date() })
  } finally {
    await binanceConnector.closeClient!(client)
  }
}

describe('Binance documented examples (Position Information V3)', () => {
  let server: ReplayServer
  beforeAll(async () => {
    const files = fixtureFiles(demoDir, {
      exchangeInfo: path.join(testdata, 'exchangeInfo.docs-symbols.json'),
      leverageBracket: path.join(testdata, 'leverageBracket.docs-symbols.json'),
      positionRisk: sharedDataPath('venue-responses', 'binance', 'fapi-v3-positionRisk.hedge.docs-example.json'),
      account: sharedDataPath('venue-responses', 'binance', 'fapi-v2-account.nautilus.json'),
    })
    const routes = binanceRoutes(files)
    // The recorded v2 account lists no ADA/COMP leverage; the docs examples' IM = notional / 20 says 20x.
    const account = JSON.parse(readFileSync(files.account, 'utf8')) as { positions: unknown[] }
    account.positions.push(
      { symbol: 'ADAUSDT', leverage: '20', isolated: false, positionSide: 'LONG', positionAmt: '30' },
      { symbol: 'COMPUSDT', leverage: '20', isolated: false, positionSide: 'SHORT', positionAmt: '-1.000' },
    )
    routes['GET /fapi/v2/account'] = { ...routes['GET /fapi/v2/account']!, body: account }
    server = await startReplayServer({ routes })
  })
  afterAll(async () => server?.close())

  test('positions keep their signed size, prices and the venue margin figures as strings', async () => {
    const snapshot = await fetchFrom(server.url)
    const bySymbol = Object.fromEntries(snapshot.positions.map((p) => [p.instrument.venueSymbol, p]))
    expect(bySymbol.ADAUSDT).toMatchObject({ size: '30', markPrice: '0.4104759', notional: '12.314277', venueMaintenanceMargin: '0.0800428', liquidationPrice: null })
    expect(bySymbol.ADAUSDT!.instrument).toMatchObject({ underlying: 'ADA', quote: 'USDT', settlement: 'USDT', inverse: false })
    expect(bySymbol.COMPUSDT).toMatchObject({ size: '-1', liquidationPrice: '2260.5675721', venueMaintenanceMargin: '0.49720233' })
  })

  test('replicated maintenance and initial margin equal the figures Binance put in the same payload', async () => {
    const snapshot = await fetchFrom(server.url)
    const details = snapshot.margin.details as { symbol: string; maintenanceMargin: string; initialMargin: string; bracket: number }[]
    const ada = details.find((d) => d.symbol === 'ADAUSDT')!
    const comp = details.find((d) => d.symbol === 'COMPUSDT')!
    // Binance docs example: ADAUSDT MM 0.08004280 = 12.314277 × 0.65 % (tier 1), IM 0.61571385 = 12.314277 / 20.
    expect(new Decimal(ada.maintenanceMargin).toDecimalPlaces(8, Decimal.ROUND_DOWN).toFixed(8)).toBe('0.08004280')
    expect(new Decimal(ada.initialMargin).toDecimalPlaces(8, Decimal.ROUND_DOWN).toFixed(8)).toBe('0.61571385')
    // COMPUSDT: MM 0.49720233 = 49.72023376 × 1 %, IM 2.48601168 = 49.72023376 / 20 (Binance truncates to 8 places).
    expect(new Decimal(comp.maintenanceMargin).toDecimalPlaces(8, Decimal.ROUND_DOWN).toFixed(8)).toBe('0.49720233')
    expect(new Decimal(comp.initialMargin).toDecimalPlaces(8, Decimal.ROUND_DOWN).toFixed(8)).toBe('2.48601168')
    expect(ada.bracket).toBe(1)
  })

  test('the wallet balance of the recorded account is a wallet balance record', async () => {
    const snapshot = await fetchFrom(server.url)
    expect(snapshot.balances).toEqual([expect.objectContaining({ asset: 'USDT', canonicalAsset: 'USD', kind: 'wallet', amount: '23.72469206' })])
  })
})

describe('Binance documented example (Position Information V3, one-way mode)', () => {
  // https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V3
  // One-way response example: ADAUSDT BOTH 30 at mark 0.41047590, notional 12.31427700, initialMargin 0.61571385,
  // maintMargin 0.08004280, liquidationPrice "0".
  let server: ReplayServer
  beforeAll(async () => {
    const files = fixtureFiles(demoDir, {
      exchangeInfo: path.join(testdata, 'exchangeInfo.docs-symbols.json'),
      leverageBracket: path.join(testdata, 'leverageBracket.docs-symbols.json'),
      positionRisk: sharedDataPath('venue-responses', 'binance', 'fapi-v3-positionRisk.one-way.docs-example.json'),
      account: sharedDataPath('venue-responses', 'binance', 'fapi-v2-account.nautilus.json'),
    })
    const routes = binanceRoutes(files)
    // IM = notional / 20 in the example says 20x; the recorded account does not list ADAUSDT's leverage.
    const account = JSON.parse(readFileSync(files.account, 'utf8')) as { positions: unknown[] }
    account.positions.push({ symbol: 'ADAUSDT', leverage: '20', isolated: false, positionSide: 'BOTH', positionAmt: '30' })
    routes['GET /fapi/v2/account'] = { ...routes['GET /fapi/v2/account']!, body: account }
    server = await startReplayServer({ routes })
  })
  afterAll(async () => server?.close())

  test('a one-way position is read with its leverage, cross mode and no liquidation price for "0"', async () => {
    const snapshot = await fetchFrom(server.url)
    expect(snapshot.positions).toHaveLength(1)
    expect(snapshot.positions[0]).toMatchObject({ size: '30', entryPrice: '0.385', leverage: '20', marginMode: 'cross', liquidationPrice: null, unrealizedPnl: '0.764277', venueInitialMargin: '0.61571385' })
  })

  test('replicated MM and IM round down to the payload figures 0.08004280 and 0.61571385', async () => {
    const snapshot = await fetchFrom(server.url)
    const [ada] = snapshot.margin.details as { maintenanceMargin: string; initialMargin: string }[]
    expect(new Decimal(ada!.maintenanceMargin).toDecimalPlaces(8, Decimal.ROUND_DOWN).toFixed(8)).toBe('0.08004280')
    expect(new Decimal(ada!.initialMargin).toDecimalPlaces(8, Decimal.ROUND_DOWN).toFixed(8)).toBe('0.61571385')
  })

  test('reported figures are those of the recorded account, margin ratio 0 over its 23.72469206 margin balance', async () => {
    const snapshot = await fetchFrom(server.url)
    // fapi-v2-account.nautilus.json: totalMarginBalance 23.72469206, totalMaintMargin 0, maxWithdrawAmount 23.72469206.
    expect(snapshot.margin.reported).toMatchObject({ currency: 'USDT', equity: '23.72469206', maintenanceMargin: '0', initialMargin: '0', marginRatio: '0', withdrawable: '23.72469206' })
  })
})

describe('the demo account', () => {
  let server: ReplayServer
  beforeAll(async () => {
    server = await startBinanceReplay({ fixtures: demoDir })
  })
  afterAll(async () => server?.close())
  afterEach(() => {
    server.setFault('*', null)
    server.setFault('GET /fapi/v2/account', null)
  })

  test('a balance and two positions; maintenance margin by bracket equals the documented formula by hand', async () => {
    const snapshot = await fetchFrom(server.url)
    expect(snapshot.balances.map((b) => [b.asset, b.amount])).toEqual([['USDT', '20000']])
    expect(snapshot.positions.map((p) => [p.instrument.venueSymbol, p.size])).toEqual([
      ['BTCUSDT', '1.2'],
      ['ETHUSDT', '-1.5'],
    ])
    // Binance: MM = |notional| × maintenance rate − maintenance amount, bracket chosen by |notional|
    // (https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93).
    // BTCUSDT 1.2 × 62,000 = 74,400 → bracket 2 (50k–600k, 0.5 %, 50): 74,400 × 0.005 − 50 = 322.
    // ETHUSDT 1.5 × 3,000 = 4,500 → bracket 1 (0–10k, 0.5 %, 0): 22.5. Account: 344.5.
    const details = snapshot.margin.details as { symbol: string; maintenanceMargin: string; bracket: number }[]
    expect(details.map((d) => [d.symbol, d.bracket, d.maintenanceMargin])).toEqual([
      ['BTCUSDT', 2, '322'],
      ['ETHUSDT', 1, '22.5'],
    ])
    expect(snapshot.margin.replicated.maintenanceMargin).toBe('344.5')
    expect(snapshot.margin.replicated.marginRatio).toBe(new Decimal('344.5').div('22550').toDecimalPlaces(12).toFixed())
    expect(snapshot.margin.replicated).toEqual(snapshot.margin.reported)
  })

  test('at the replicated liquidation price, margin balance equals maintenance margin (the definition)', () => {
    const raw = JSON.parse(readFileSync(path.join(demoDir, 'leverageBracket.json'), 'utf8')) as { symbol: string; brackets: Record<string, number>[] }[]
    const brackets: Record<string, LeverageBracket[]> = Object.fromEntries(
      raw.map((s) => [s.symbol, s.brackets.map((b) => ({ bracket: b.bracket!, initialLeverage: b.initialLeverage!, notionalFloor: new Decimal(b.notionalFloor!), notionalCap: new Decimal(b.notionalCap!), maintMarginRatio: new Decimal(b.maintMarginRatio!), cum: new Decimal(b.cum!) }))]),
    )
    const eth = { symbol: 'ETHUSDT', positionAmt: new Decimal('-1.5'), entryPrice: new Decimal(3100), markPrice: new Decimal(3000), leverage: new Decimal(10), isolated: false }
    const btc = { symbol: 'BTCUSDT', positionAmt: new Decimal('1.2'), entryPrice: new Decimal(60000), markPrice: new Decimal(62000), leverage: new Decimal(10), isolated: false }
    const wallet = new Decimal(20000)
    const lp = crossLiquidationPrice(eth, brackets.ETHUSDT!, wallet, new Decimal(322), new Decimal(2400))!
    const atLiquidation = calculateBinanceAccount({ crossWalletBalance: wallet, brackets, positions: [btc, { ...eth, markPrice: lp }] })
    expect(atLiquidation.marginBalance.minus(atLiquidation.maintenanceMargin!).abs().toNumber()).toBeLessThan(1e-9)
    expect(atLiquidation.positions[1]!.bracket!.bracket).toBe(2)
  })

  test('a position in a symbol the exchange info does not list is kept and flagged', async () => {
    const positions = JSON.parse(readFileSync(path.join(demoDir, 'positionRisk.json'), 'utf8')) as Record<string, string>[]
    const unknown = { ...positions[0]!, symbol: 'NEWCOINUSDT', positionAmt: '10', notional: '100', markPrice: '10', entryPrice: '9' }
    const routes = binanceRoutes(fixtureFiles(demoDir))
    routes['GET /fapi/v3/positionRisk'] = { ...routes['GET /fapi/v3/positionRisk']!, body: [...positions, unknown] }
    const local = await startReplayServer({ routes })
    try {
      const snapshot = await fetchFrom(local.url)
      const kept = snapshot.positions.find((p) => p.instrument.venueSymbol === 'NEWCOINUSDT')
      expect(kept).toBeDefined()
      expect(kept!.flags).toEqual(expect.arrayContaining(['unknown-symbol', 'no-leverage-brackets']))
      expect(kept!.size).toBe('10')
      // Without its bracket table our total would understate Binance's: it is left null; Binance's own stays.
      expect(snapshot.margin.replicated.maintenanceMargin).toBeNull()
      expect(snapshot.margin.reported.maintenanceMargin).toBe('344.5')
    } finally {
      await local.close()
    }
  })

  test('a rejected API key is Unauthorized and its message carries neither the key nor the secret', async () => {
    server.setFault('GET /fapi/v2/account', { kind: 'status', status: 401, body: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } })
    const error = (await fetchFrom(server.url).then(() => null, (e: unknown) => e)) as Error & { code: string }
    expect(error.code).toBe('UNAUTHORIZED')
    expect(error.message).not.toContain(KEY)
    expect(error.message).not.toContain(SECRET)
  })

  test('HTTP 429 with Retry-After is a retryable VenueUnavailable carrying the wait', async () => {
    server.setFault('GET /fapi/v2/account', { kind: 'status', status: 429, headers: { 'Retry-After': '7' }, body: { code: -1003, msg: 'Too many requests.' } })
    const error = (await fetchFrom(server.url).then(() => null, (e: unknown) => e)) as Error & { code: string; retryAfterMs: number | null }
    expect(error.code).toBe('VENUE_UNAVAILABLE')
    expect(error.retryAfterMs).toBe(7000)
  })

  test('only USDⓈ-M endpoints are called: no spot, margin (sapi) or COIN-M (dapi) request', async () => {
    server.requests.length = 0
    await fetchFrom(server.url)
    // Each once: about 12 of the 2,400 request weight Binance allows a minute.
    expect(server.requests.map((r) => r.path).sort()).toEqual(['/fapi/v1/exchangeInfo', '/fapi/v1/leverageBracket', '/fapi/v2/account', '/fapi/v3/positionRisk'])
  })

  test('an answer of the wrong shape is VenueRejected naming the field, not a TypeError', async () => {
    const account = JSON.parse(readFileSync(path.join(demoDir, 'account.json'), 'utf8')) as Record<string, unknown>
    delete account.totalMaintMargin
    const routes = binanceRoutes(fixtureFiles(demoDir))
    routes['GET /fapi/v2/account'] = { ...routes['GET /fapi/v2/account']!, body: account }
    const local = await startReplayServer({ routes })
    try {
      const error = (await fetchFrom(local.url).then(() => null, (e: unknown) => e)) as Error & { code: string }
      expect(error.code).toBe('VENUE_REJECTED')
      expect(error.message).toMatch(/totalMaintMargin/)
    } finally {
      await local.close()
    }
  })

  test('every ccxt api base URL points at the override, keeping its path', () => {
    const client = binanceConnector.createClient(config, envFor(server.url))
    const api = client.exchange.urls.api as Record<string, string>
    expect(api.fapiPublic).toBe(`${server.url}/fapi/v1`)
    expect(api.fapiPrivateV2).toBe(`${server.url}/fapi/v2`)
    expect(api.fapiPrivateV3).toBe(`${server.url}/fapi/v3`)
    for (const url of Object.values(api)) expect(url.startsWith(server.url)).toBe(true)
  })

  test('testnet uses Binance Demo Trading, which replaced the futures testnet', () => {
    const demo = binanceDescriptor.configSchema.parse({ apiKeyEnv: 'TEST_BINANCE_KEY', secretEnv: 'TEST_BINANCE_SECRET', testnet: true })
    const client = binanceConnector.createClient(demo, { ...envFor(server.url), urlOverrides: undefined })
    // Demo Trading: https://www.binance.com/en/support/faq/detail/9be58f73e5e14338809e3b705b9687dd (host as ccxt's urls.demo)
    expect((client.exchange.urls.api as Record<string, string>).fapiPrivateV2).toBe('https://demo-fapi.binance.com/fapi/v2')
  })

  const faults: { name: string; fault: ReplayFault; code: string }[] = [
    { name: 'HTTP 500', fault: { kind: 'status', status: 500, body: { code: -1000, msg: 'An unknown error occurred while processing the request.' } }, code: 'VENUE_UNAVAILABLE' },
    { name: 'HTTP 503 with an HTML body', fault: { kind: 'status', status: 503, headers: { 'content-type': 'text/html' }, body: '<html>Service Unavailable</html>' }, code: 'VENUE_UNAVAILABLE' },
    { name: 'malformed JSON', fault: { kind: 'malformed-json' }, code: 'VENUE_UNAVAILABLE' },
    { name: 'truncated JSON', fault: { kind: 'truncated-json' }, code: 'VENUE_UNAVAILABLE' },
    { name: 'a hang past the timeout', fault: { kind: 'hang' }, code: 'VENUE_UNAVAILABLE' },
    // https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code: -2015 REJECTED_MBX_KEY, -1022 INVALID_SIGNATURE.
    { name: 'HTTP 401 (-2015)', fault: { kind: 'status', status: 401, body: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } }, code: 'UNAUTHORIZED' },
    { name: 'HTTP 400 (-1022 bad signature)', fault: { kind: 'status', status: 400, body: { code: -1022, msg: 'Signature for this request is not valid.' } }, code: 'UNAUTHORIZED' },
    { name: 'HTTP 400 (-1102 bad parameter)', fault: { kind: 'status', status: 400, body: { code: -1102, msg: 'Mandatory parameter was not sent.' } }, code: 'VENUE_REJECTED' },
  ]
  for (const { name, fault, code } of faults) {
    test(`${name} on a signed endpoint is ${code}, quickly, and names neither key, secret nor signature`, async () => {
      server.requests.length = 0
      server.setFault('GET /fapi/v2/account', fault)
      const started = Date.now()
      const error = (await fetchFrom(server.url, 500).then(() => null, (e: unknown) => e)) as Error & { code: string }
      expect(error).toBeInstanceOf(Error)
      expect(error.code).toBe(code)
      expect(Date.now() - started).toBeLessThan(3_000)
      const signature = server.requests.find((r) => r.path === '/fapi/v2/account')!.query.get('signature')!
      expect(signature).toMatch(/^[0-9a-f]{64}$/)
      for (const secret of [KEY, SECRET, signature]) expect(error.message).not.toContain(secret)
    })
  }

  test('requests are signed with the key from the environment variable the config names', async () => {
    server.requests.length = 0
    await fetchFrom(server.url)
    const account = server.requests.find((r) => r.path === '/fapi/v2/account')!
    expect(account.headers['x-mbx-apikey']).toBe(KEY)
    expect(account.query.get('signature')).toMatch(/^[0-9a-f]{64}$/)
  })

  test('a missing key variable is an error naming the config key', () => {
    expect(() => binanceConnector.createClient(config, { ...envFor(server.url), secret: () => undefined })).toThrow(/apiKeyEnv: environment variable TEST_BINANCE_KEY is not set/)
  })
})

let conformanceServer: ReplayServer
describeConnectorConformance('binance', {
  connector: binanceConnector,
  async start() {
    conformanceServer = await startBinanceReplay({ fixtures: demoDir })
    return { config: { market: 'usdm', apiKeyEnv: 'TEST_BINANCE_KEY', secretEnv: 'TEST_BINANCE_SECRET' }, env: envFor(conformanceServer.url, 2_000) }
  },
  setFault(fault) {
    conformanceServer.setFault('*', replayFault(fault))
  },
  stop: async () => conformanceServer?.close(),
  secrets: [KEY, SECRET],
  invalidConfig: { config: { market: 'usdm', apiKeyEnv: 'sk-live-abc', secretEnv: 'X' }, key: 'apiKeyEnv' },
})

describe('Binance Portfolio Margin Pro (documented example)', () => {
  test('uniMMR = equity / maintenance margin and available = equity − IM reproduce the example', async () => {
    const server = await startBinanceReplay({ fixtures: demoDir, overrides: { portfolioAccount: sharedDataPath('venue-responses', 'binance', 'sapi-v1-portfolio-account.pm-pro.docs-example.json') } })
    const pmConfig = binanceDescriptor.configSchema.parse({ market: 'portfolio', apiKeyEnv: 'TEST_BINANCE_KEY', secretEnv: 'TEST_BINANCE_SECRET' })
    const client = binanceConnector.createClient(pmConfig, envFor(server.url))
    try {
      const snapshot = await binanceConnector.fetchAccount(client, pmConfig, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })
      const details = snapshot.margin.details as { uniMMR: string; reportedUniMMR: string; flags: string[] }
      // Example: uniMMR 5167.92171923 = 122607.35137903 / 23.72469206; available 122,559.90199491 = equity − 47.44938412.
      expect(details.uniMMR).toBe('5167.92171923')
      expect(details.reportedUniMMR).toBe('5167.92171923')
      expect(snapshot.margin.replicated.withdrawable).toBe('122559.90199491')
      expect(snapshot.margin.reported.withdrawable).toBe('122559.90199491')
      expect(details.flags).toEqual(['portfolioAccount.totalAvailableBalance: thousands separators in the venue\'s number'])
    } finally {
      await binanceConnector.closeClient!(client)
      await server.close()
    }
  })
})

describe('Binance COIN-M (inverse, margined in coin)', () => {
  test('positions are sized in coin and maintenance margin by quantity bracket matches the account, by hand', async () => {
    const { startBinanceCoinmReplay } = await import('./local/replay.js')
    const server = await startBinanceCoinmReplay(path.join(here, 'local', 'coinm-demo'))
    const coinm = binanceDescriptor.configSchema.parse({ market: 'coinm', apiKeyEnv: 'TEST_BINANCE_KEY', secretEnv: 'TEST_BINANCE_SECRET' })
    const client = binanceConnector.createClient(coinm, envFor(server.url))
    try {
      const snapshot = await binanceConnector.fetchAccount(client, coinm, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })
      const [position] = snapshot.positions
      // 300 contracts × 100 USD at mark 62,000 = 0.48387097 BTC, an inverse perpetual settled in BTC.
      expect(position!.instrument).toMatchObject({ venueSymbol: 'BTCUSD_PERP', inverse: true, settlement: 'BTC', underlying: 'BTC' })
      expect(position!.size).toBe('0.48387097')
      // Bracket 1 (0–5 BTC, 0.4 %, amount 0): MM = 0.48387097 × 0.004 = 0.00193548388 BTC; Binance shows 0.00193548.
      expect(new Decimal(snapshot.margin.replicated.maintenanceMargin!).toDecimalPlaces(8, Decimal.ROUND_DOWN).toFixed()).toBe(snapshot.margin.reported.maintenanceMargin)
      expect(snapshot.margin.replicated.currency).toBe('BTC')
      expect(snapshot.balances).toEqual([expect.objectContaining({ asset: 'BTC', amount: '1' })])
    } finally {
      await binanceConnector.closeClient!(client)
      await server.close()
    }
  })
})
