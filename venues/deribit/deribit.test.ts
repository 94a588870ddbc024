// Deribit through ccxt against a local JSON-RPC replay of recorded and documented answers
// (../shared/data/venue-responses/deribit/SOURCES.md), and Deribit's standard margin against its published examples.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { silentLogger } from '../../core/logger.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import { readSharedJson, sharedDataPath } from '../../test/support/shared-data.js'
import { describeConnectorConformance, replayFault } from '../../test/support/connector-conformance.js'
import { deribitConnector, deribitContractSize } from './connector.js'
import { deribitDescriptor } from './descriptor.js'
import { deribitStandardFutureMargin, deribitStandardOptionMargin } from './margin.js'
import { startDeribitReplay } from './local/replay.js'
import { bookSummaryAnswer, optionPositionAnswer, type RecordedOrderBook } from './local/recorded-option.js'
import { black76Greeks } from '../../quant/black76.js'

const ID = 'test-client-id-4c1f'
const SECRET = 'test-client-secret-93ab'
const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata')
const chainFile = path.join(testdata, 'public-get_book_summary_by_currency.option.json')
const files = {
  'private/get_account_summaries': sharedDataPath('venue-responses', 'deribit', 'http_get_account_summaries.nautilus.json'),
  'private/get_positions': sharedDataPath('venue-responses', 'deribit', 'private-get_positions.docs-example.json'),
  'public/get_book_summary_by_currency': chainFile,
  'public/get_currencies': path.join(testdata, 'public-get_currencies.docs-example.json'),
}
const env = (url: string, timeoutMs = 5_000) => ({
  secret: (name: string) => ({ DERIBIT_ID: ID, DERIBIT_SECRET: SECRET })[name],
  timeoutMs,
  urlOverrides: { deribit: url },
  logger: silentLogger(),
})
const config = deribitDescriptor.configSchema.parse({ currency: 'BTC', clientIdEnv: 'DERIBIT_ID', clientSecretEnv: 'DERIBIT_SECRET' })

describe('Deribit contract sizes', () => {
  test('inverse BTC contracts are 10 USD, inverse ETH 1 USD, options 1 coin; linear USDC ones are read per instrument', () => {
    // Deribit's contract specifications: BTC futures and perpetual 10 USD, ETH 1 USD; options 1 BTC / 1 ETH.
    expect(deribitContractSize('future', 'BTC', true)).toBe('10')
    expect(deribitContractSize('future', 'ETH', true)).toBe('1')
    expect(deribitContractSize('option', 'ETH', true)).toBe('1')
    expect(deribitContractSize('future', 'SOL', false)).toBeNull()
  })
})

describe('Deribit, recorded account summary and documented positions', () => {
  let server: ReplayServer
  beforeAll(async () => {
    server = await startDeribitReplay(files)
  })
  afterAll(async () => server?.close())

  const fetchOnce = async () => {
    const client = deribitConnector.createClient(config, env(server.url))
    try {
      return await deribitConnector.fetchAccount(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })
    } finally {
      await deribitConnector.closeClient!(client)
    }
  }

  test('the BTC summary gives equity, margins and available funds as Deribit reports them', async () => {
    const snapshot = await fetchOnce()
    // Recorded summary: margin_balance 302.62729214, IM 1.24669592, MM 0.8857841, available_funds 301.38059622
    // (= margin balance − IM).
    expect(snapshot.margin.reported).toMatchObject({ currency: 'BTC', equity: '302.61869214', initialMargin: '1.24669592', maintenanceMargin: '0.8857841', withdrawable: '301.35396172' })
    expect(snapshot.balances).toEqual([expect.objectContaining({ asset: 'BTC', kind: 'wallet', amount: '302.60065765' })])
  })

  test('a 50 USD BTC-PERPETUAL long is 0.006687487 BTC of an inverse perpetual, with the venue’s own margins', async () => {
    const snapshot = await fetchOnce()
    const [perp] = snapshot.positions
    expect(perp!.instrument).toMatchObject({ venueSymbol: 'BTC-PERPETUAL', kind: 'perpetual', underlying: 'BTC', inverse: true, settlement: 'BTC', contractSize: '10' })
    expect(perp).toMatchObject({ size: '0.006687487', markPrice: '7476.65', venueInitialMargin: '0.000197283', venueMaintenanceMargin: '0.000143783', notional: '50' })
    // Standard margin replication (2 % + 0.5 %/100 BTC): IM ≈ 0.0001337 BTC beside Deribit's 0.000197283, which
    // includes its open-order margin (0.000197288 in the same payload): the difference is shown, not hidden.
    expect(Number(snapshot.margin.replicated.initialMargin)).toBeCloseTo(0.006687487 * (0.02 + (0.006687487 / 100) * 0.005), 9)
  })

  test('requests are signed; a rejected key is Unauthorized and names neither id nor secret', async () => {
    server.setFault('GET /api/v2/private/get_account_summaries', { kind: 'status', status: 401, body: { jsonrpc: '2.0', error: { message: 'invalid_credentials', code: 13004 } } })
    try {
      const error = (await fetchOnce().then(() => null, (e: unknown) => e)) as Error & { code: string }
      expect(error.code).toBe('UNAUTHORIZED')
      expect(error.message).not.toContain(ID)
      expect(error.message).not.toContain(SECRET)
    } finally {
      server.setFault('GET /api/v2/private/get_account_summaries', null)
    }
    const signed = server.requests.find((r) => r.path === '/api/v2/private/get_positions')!
    expect(String(signed.headers.authorization)).toMatch(/^deri-hmac-sha256 id=/)
  })
})

describe('Deribit, a position in an instrument we cannot read', () => {
  // The documented positions answer plus a future spread (kind future_combo, a kind get_positions documents), whose
  // name follows no instrument pattern we parse.
  const documented = readSharedJson<{ result: Record<string, unknown>[] }>('venue-responses', 'deribit', 'private-get_positions.docs-example.json')
  const combo = { ...documented.result[0]!, instrument_name: 'BTC-FS-27DEC24_PERP', kind: 'future_combo', size: 30, size_currency: 0.004012492 }
  let server: ReplayServer
  beforeAll(async () => {
    const { 'private/get_positions': _, ...rest } = files
    server = await startDeribitReplay(rest, { 'private/get_positions': { ...documented, result: [...documented.result, combo] } })
  })
  afterAll(async () => server?.close())

  test('is kept and flagged unknown-symbol, and leaves our margin totals unknown rather than understated', async () => {
    const client = deribitConnector.createClient(config, env(server.url))
    const snapshot = await deribitConnector.fetchAccount(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() }).finally(() => deribitConnector.closeClient!(client))
    expect(snapshot.positions.map((p) => [p.instrument.venueSymbol, p.flags])).toEqual([['BTC-PERPETUAL', []], ['BTC-FS-27DEC24_PERP', ['unknown-symbol']]])
    expect(snapshot.positions[1]).toMatchObject({ size: '0.004012492', instrument: expect.objectContaining({ kind: 'future', underlying: 'BTC' }), venueInitialMargin: '0.000197283' })
    expect(snapshot.margin.replicated).toMatchObject({ equity: '302.61869214', initialMargin: null, maintenanceMargin: null, marginRatio: null, withdrawable: null })
    expect(snapshot.margin.details).toEqual({ model: 'standard', notReplicated: ['BTC-FS-27DEC24_PERP'] })
    // Deribit's own figures are untouched.
    expect(snapshot.margin.reported).toMatchObject({ initialMargin: '1.24669592', maintenanceMargin: '0.8857841' })
  })
})

describe('Deribit option chain (documented format): mark IVs kept, option marks read from the chain', () => {
  let server: ReplayServer
  beforeAll(async () => {
    server = await startDeribitReplay({ ...files, 'private/get_positions': path.join(testdata, 'private-get_positions.option.json') })
  })
  afterAll(async () => server?.close())
  const at = new Date('2026-11-25T08:07:00Z')

  test('the chain’s mark IVs become points in fractions, bucketed to the quarter hour; a strike without a mark is skipped', async () => {
    const client = deribitConnector.createClient(config, env(server.url))
    const snapshot = await deribitConnector.fetchAccount(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => at }).finally(() => deribitConnector.closeClient!(client))
    const expiry = new Date('2026-12-25T08:00:00Z')
    const time = new Date('2026-11-25T08:00:00Z')
    // Each with its expiry's forward over the index: underlying_price 95,210 (BTC-25DEC26) / estimated_delivery_price 95,000.
    const forwardRatio = '1.002210526316'
    expect(snapshot.impliedVols).toEqual([
      { underlying: 'BTC', expiry, strike: '100000', iv: '0.524', time, source: 'deribit', forwardRatio },
      { underlying: 'BTC', expiry, strike: '90000', iv: '0.551', time, source: 'deribit', forwardRatio },
    ])
    // The held call's mark and underlying came from the chain: no ticker request was needed.
    expect(server.requests.some((r) => r.path.endsWith('/public/ticker'))).toBe(false)
    const call = snapshot.positions[0]!
    expect(call).toMatchObject({ size: '2', instrument: expect.objectContaining({ kind: 'option', optionType: 'call', strike: '100000' }), flags: [] })
  })

  test('maintenance (error 13028 temporarily_unavailable, or HTTP 503) is a transient fault', async () => {
    for (const fault of [{ kind: 'status' as const, status: 503, body: { jsonrpc: '2.0', error: { code: 13028, message: 'temporarily_unavailable' } } }, { kind: 'status' as const, status: 400, body: { jsonrpc: '2.0', error: { code: 13028, message: 'temporarily_unavailable' } } }]) {
      server.setFault('GET /api/v2/private/get_account_summaries', fault)
      const client = deribitConnector.createClient(config, env(server.url))
      const error = await deribitConnector.fetchAccount(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => at }).then(() => null, (e: unknown) => e as { code: string })
      await deribitConnector.closeClient!(client)
      expect(error).toMatchObject({ code: 'VENUE_UNAVAILABLE' })
    }
    server.setFault('GET /api/v2/private/get_account_summaries', null)
  })
})

describe('Deribit option chain with a recorded quote (BTC-15JAN21-28000-C, 31 Dec 2020)', () => {
  // The recorded public/get_order_book answer (SOURCES.md) replayed as the chain's row and a 2-option position.
  const book = readSharedJson<RecordedOrderBook>('venue-responses', 'deribit', 'public-get_order_book.option-BTC-15JAN21-28000-C.json')
  const at = new Date('2020-12-31T03:20:00Z')
  let server: ReplayServer
  beforeAll(async () => {
    server = await startDeribitReplay(files, { 'public/get_book_summary_by_currency': bookSummaryAnswer([book]), 'private/get_positions': optionPositionAnswer(book, 2, 0.085) })
  })
  afterAll(async () => server?.close())

  const fetchAt = async () => {
    const client = deribitConnector.createClient(config, env(server.url))
    return deribitConnector.fetchAccount(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => at }).finally(() => deribitConnector.closeClient!(client))
  }

  test('the mark IV 87.2 % is kept as 0.872 for the 28,000 strike of the 15 Jan 2021 08:00 UTC expiry', async () => {
    const snapshot = await fetchAt()
    // The recorded quote's forward: SYN.BTC-15JAN21 at 29,153.69 over the index 28,930.14.
    expect(snapshot.impliedVols).toEqual([{ underlying: 'BTC', expiry: new Date('2021-01-15T08:00:00Z'), strike: '28000', iv: '0.872', time: new Date('2020-12-31T03:15:00Z'), source: 'deribit', forwardRatio: '1.007727235333' }])
  })

  test('the held option keeps its mark, underlying price and open interest from the chain', async () => {
    const snapshot = await fetchAt()
    const [call] = snapshot.positions
    expect(call).toMatchObject({ size: '2', markPrice: '0.09096156', instrument: expect.objectContaining({ kind: 'option', optionType: 'call', strike: '28000', expiry: new Date('2021-01-15T08:00:00Z') }), flags: [] })
    expect((call!.raw as { ticker: unknown }).ticker).toEqual({ mark_iv: 87.2, mark_price: 0.09096156, underlying_price: 29153.69, open_interest: 303.4 })
  })

  test('a call and a put of one strike give one point (Deribit marks both from one surface)', async () => {
    // The recorded call and a put row under the same strike and mark IV, as the chain lists every strike twice.
    const put = { ...book, instrument_name: 'BTC-15JAN21-28000-P' }
    const twin = await startDeribitReplay(files, { 'public/get_book_summary_by_currency': bookSummaryAnswer([book, put]), 'private/get_positions': optionPositionAnswer(book, 2, 0.085) })
    const client = deribitConnector.createClient(config, env(twin.url))
    try {
      const snapshot = await deribitConnector.fetchAccount(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => at })
      expect(snapshot.impliedVols!.map((p) => [p.strike, p.iv])).toEqual([['28000', '0.872']])
    } finally {
      await deribitConnector.closeClient!(client)
      await twin.close()
    }
  })

  test('Black-76 at the stored IV and the chain’s underlying price gives Deribit’s own recorded delta, 0.62396', async () => {
    // Deribit's greeks in the same recorded answer: delta 0.62396, vega 22.57564 (per vol point). Time from the
    // answer's timestamp to expiry in 365-day years, zero rate: the convention the stored IV must be read with.
    const snapshot = await fetchAt()
    const iv = Number(snapshot.impliedVols![0]!.iv)
    const years = (Date.parse('2021-01-15T08:00:00Z') - book.timestamp) / (365 * 86_400_000)
    const greeks = black76Greeks(book.underlying_price, 28000, years, iv, 'call')
    expect(greeks.delta).toBeCloseTo(book.greeks.delta, 5)
    expect(greeks.vega / 100).toBeCloseTo(book.greeks.vega, 3)
  })
})

describe('Deribit key scope at addAccount (public/auth, client_signature)', () => {
  // public/auth's documented answer (https://docs.deribit.com/#public-auth), tokens shortened, with the scope varied.
  const auth = (scope: string) => ({ jsonrpc: '2.0', id: 9929, result: { access_token: '1582628593469.1MbQ', expires_in: 31536000, refresh_token: '1582628593469.1GP4', scope, enabled_features: [], token_type: 'bearer' } })
  const verify = async (scope: string) => {
    const server = await startDeribitReplay(files, { 'public/auth': auth(scope) })
    const client = deribitConnector.createClient(config, env(server.url))
    try {
      const verification = await deribitConnector.verifyAccount!(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })
      const request = server.requests.find((r) => r.path === '/api/v2/public/auth')!
      return { verification, request }
    } finally {
      await deribitConnector.closeClient!(client)
      await server.close()
    }
  }

  test('a read-only key passes quietly; the secret signs the request and never travels', async () => {
    const { verification, request } = await verify('account:read trade:read wallet:read')
    expect(verification).toEqual({ warnings: [] })
    expect(request.query.get('grant_type')).toBe('client_signature')
    expect(request.query.get('client_id')).toBe(ID)
    expect(request.query.get('signature')).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify([request.path, [...request.query.entries()], request.headers])).not.toContain(SECRET)
  })

  test('a key that can trade and withdraw is accepted with a warning naming both', async () => {
    const { verification } = await verify('account:read trade:read_write wallet:read_write')
    expect(verification.warnings).toEqual(['this Deribit key can trade, withdraw and transfer funds; crossmargin only reads, so a key with read scopes only is safer'])
  })

  test('a full-access key (the scope Deribit grants a default key) is warned about each write scope', async () => {
    // The scope string of a key created with every permission, as Deribit's docs and ccxt's source quote it.
    const { verification } = await verify('account:read_write block_trade:read_write connection custody:read_write mainaccount trade:read_write wallet:read_write')
    expect(verification.warnings).toEqual([
      'this Deribit key can trade, withdraw and transfer funds, change the account and its subaccounts, make block trades, move funds to and from custody; crossmargin only reads, so a key with read scopes only is safer',
    ])
  })

  test('block RFQ and block trade read access is not a write grant', async () => {
    const { verification } = await verify('account:read block_trade:read block_rfq:read trade:read wallet:none')
    expect(verification.warnings).toEqual([])
  })

  test('13004 invalid_credentials is Unauthorized, naming neither id nor secret', async () => {
    // Deribit's error answer for a wrong client id or secret (https://docs.deribit.com/#rpc-error-codes).
    const server = await startDeribitReplay(files)
    server.setFault('GET /api/v2/public/auth', { kind: 'status', status: 400, body: { jsonrpc: '2.0', error: { message: 'invalid_credentials', code: 13004 }, testnet: false } })
    const client = deribitConnector.createClient(config, env(server.url))
    try {
      const error = (await deribitConnector.verifyAccount!(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() }).then(() => null, (e: unknown) => e)) as Error & { code: string }
      expect(error.code).toBe('UNAUTHORIZED')
      expect(error.message).not.toContain(ID)
      expect(error.message).not.toContain(SECRET)
    } finally {
      await deribitConnector.closeClient!(client)
      await server.close()
    }
  })

  test('a currency public/get_currencies does not list is refused naming `currency`', async () => {
    // The docs' example answer lists ETH and BTC only: a USDC account is unknown to that Deribit.
    const server = await startDeribitReplay(files, { 'public/auth': auth('account:read trade:read wallet:read') })
    const usdc = deribitDescriptor.configSchema.parse({ currency: 'USDC', clientIdEnv: 'DERIBIT_ID', clientSecretEnv: 'DERIBIT_SECRET' })
    const client = deribitConnector.createClient(usdc, env(server.url))
    try {
      const error = (await deribitConnector.verifyAccount!(client, usdc, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() }).then(() => null, (e: unknown) => e)) as Error & { code: string; field: string }
      expect(error).toMatchObject({ code: 'INVALID_INPUT', field: 'currency' })
      expect(error.message).toContain('BTC, ETH')
    } finally {
      await deribitConnector.closeClient!(client)
      await server.close()
    }
  })

  test('maintenance during the check is transient (the add goes ahead with a warning)', async () => {
    const server = await startDeribitReplay(files, { 'public/auth': auth('account:read') })
    server.setFault('GET /api/v2/public/get_currencies', { kind: 'status', status: 400, body: { jsonrpc: '2.0', error: { code: 13028, message: 'temporarily_unavailable' } } })
    const client = deribitConnector.createClient(config, env(server.url))
    try {
      const error = await deribitConnector.verifyAccount!(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() }).then(() => null, (e: unknown) => e)
      expect(error).toMatchObject({ code: 'VENUE_UNAVAILABLE' })
    } finally {
      await deribitConnector.closeClient!(client)
      await server.close()
    }
  })
})

describe('Deribit standard margin (published examples)', () => {
  test('futures IM: 25 BTC → 2.125 % = 0.53125 BTC; 350 BTC → 3.75 % = 13.125 BTC', () => {
    // Deribit futures contract specification, "Initial margin" examples.
    expect(deribitStandardFutureMargin(25).initialMargin).toBeCloseTo(0.53125, 12)
    expect(deribitStandardFutureMargin(-350).initialMargin).toBeCloseTo(13.125, 12)
    expect(deribitStandardFutureMargin(100).maintenanceMargin).toBeCloseTo(100 * 0.02, 12)
  })

  test('short options: call IM = max(0.15 − OTM/U, 0.1) + mark; long options need none', () => {
    // 1 short call, strike 70,000 with BTC at 60,000: OTM/U = 1/6 → max(−0.0167, 0.1) = 0.1, + mark 0.01.
    expect(deribitStandardOptionMargin(-1, 'call', 70000, 60000, 0.01)).toEqual({ initialMargin: expect.closeTo(0.11, 12), maintenanceMargin: expect.closeTo(0.085, 12) })
    expect(deribitStandardOptionMargin(2, 'put', 50000, 60000, 0.02)).toEqual({ initialMargin: 0, maintenanceMargin: 0 })
  })
})

let conformance: ReplayServer
describeConnectorConformance('deribit', {
  connector: deribitConnector,
  async start() {
    conformance = await startDeribitReplay(files)
    return { config: { currency: 'BTC', clientIdEnv: 'DERIBIT_ID', clientSecretEnv: 'DERIBIT_SECRET' }, env: env(conformance.url, 2_000) }
  },
  setFault(fault) {
    conformance.setFault('*', replayFault(fault))
  },
  stop: async () => conformance?.close(),
  secrets: [ID, SECRET],
  invalidConfig: { config: { currency: 'DOGE', clientIdEnv: 'A', clientSecretEnv: 'B' }, key: 'currency' },
})
