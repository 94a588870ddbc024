// OKX through ccxt against a local replay: the recorded balance and position tiers with a BTC-USDT-SWAP position
// written in OKX's documented format, OKX's documented Get balance example whose mgnRatio our cross rule reproduces,
// the account-configuration check, and OKX's maintenance and rate-limit answers.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import { expect } from '../../test/support/expect.js'
import { Decimal } from '../../core/decimal.js'
import { Unauthorized, VenueUnavailable } from '../../core/errors.js'
import { silentLogger } from '../../core/logger.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import { sharedDataPath } from '../../test/support/shared-data.js'
import { describeConnectorConformance, replayFault } from '../../test/support/connector-conformance.js'
import { okxConnector } from './connector.js'
import { okxDescriptor } from './descriptor.js'
import { startOkxReplay } from './local/replay.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const testdata = (name: string) => path.join(here, 'testdata', name)
const SECRETS = { OKX_KEY: 'okx-key-31de', OKX_SECRET: 'okx-secret-77c0', OKX_PASS: 'okx-pass-0b9a' }
const files = {
  '/api/v5/account/balance': sharedDataPath('venue-responses', 'okx', 'http_get_account_balance.nautilus.json'),
  '/api/v5/public/position-tiers': sharedDataPath('venue-responses', 'okx', 'http_get_position_tiers.nautilus.json'),
  '/api/v5/account/positions': testdata('positions.docs-format.json'),
  '/api/v5/public/instruments': testdata('instruments.BTC-USDT-SWAP.json'),
  '/api/v5/account/config': testdata('account-config.docs-example.json'),
}
const env = (url: string, timeoutMs = 5_000) => ({ secret: (n: string) => SECRETS[n as keyof typeof SECRETS], timeoutMs, urlOverrides: { okx: url }, logger: silentLogger() })
const config = okxDescriptor.configSchema.parse({ apiKeyEnv: 'OKX_KEY', secretEnv: 'OKX_SECRET', passphraseEnv: 'OKX_PASS' })
const context = () => ({ signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })

async function withClient<T>(url: string, work: (client: ReturnType<typeof okxConnector.createClient>) => Promise<T>): Promise<T> {
  const client = okxConnector.createClient(config, env(url))
  try {
    return await work(client)
  } finally {
    await okxConnector.closeClient!(client)
  }
}
const fetchFrom = (url: string) => withClient(url, (client) => okxConnector.fetchAccount(client, config, context()))
const verifyAt = (url: string) => withClient(url, (client) => okxConnector.verifyAccount!(client, config, context()))
const failure = (work: Promise<unknown>) => work.then(() => null, (e: unknown) => e) as Promise<Error & { code: string; retryAfterMs?: number | null }>
type Details = { mode: string; positions: Record<string, unknown>[]; okxMarginRatio: string | null; okxMarginRatioFromReportedMm: string | null; reportedMgnRatio: string | null }

describe('OKX', () => {
  let server: ReplayServer
  beforeAll(async () => {
    server = await startOkxReplay(files)
  })
  afterAll(async () => server?.close())

  test('a swap position in contracts becomes coins; IM, MM and the margin ratio follow OKX’s formulas by hand', async () => {
    const snapshot = await fetchFrom(server.url)
    const [position] = snapshot.positions
    // 0.1 contract × 0.01 BTC = 0.001 BTC; notional 0.001 × 62,000 = 62.
    expect(position).toMatchObject({ size: '0.001', markPrice: '62000', venueInitialMargin: '6', venueMaintenanceMargin: '1.86', flags: [] })
    const details = snapshot.margin.details as Details
    // IM = 62 / 10; MM = 62 × 3 % (tier 1); fee to close = 62 × 0.05 %.
    expect(details.positions[0]).toMatchObject({ notional: '62', initialMargin: '6.2', maintenanceMargin: '1.86', feeToClose: '0.031' })
    // OKX margin ratio = equity / (MM + fee) = 99.89469657000001 / 1.891.
    expect(Number(details.okxMarginRatio)).toBeCloseTo(99.89469657000001 / 1.891, 6)
  })

  test('with no cross position OKX states no margin ratio: it stays null, never a made-up figure', async () => {
    const snapshot = await fetchFrom(server.url)
    // The recorded single-currency account (an isolated position only) has USDT imr "0", mmr "0" and mgnRatio "".
    expect(snapshot.margin.reported).toMatchObject({ currency: 'USDT', initialMargin: '0', maintenanceMargin: '0', marginRatio: null })
    expect((snapshot.margin.details as Details).mode).toBe('single-currency')
    expect(snapshot.balances).toEqual([expect.objectContaining({ asset: 'USDT', amount: '94.42612990333333' })])
  })

  test('requests carry the key and passphrase headers; none of the three secrets reaches an error', async () => {
    await fetchFrom(server.url)
    expect(server.requests.find((r) => r.path === '/api/v5/account/positions')!.headers['ok-access-passphrase']).toBe(SECRETS.OKX_PASS)
    server.setFault('GET /api/v5/account/balance', { kind: 'status', status: 401, body: { code: '50111', msg: 'Invalid OK-ACCESS-KEY', data: [] } })
    try {
      const error = await failure(fetchFrom(server.url))
      expect(error).toBeInstanceOf(Unauthorized)
      for (const s of Object.values(SECRETS)) expect(error.message).not.toContain(s)
    } finally {
      server.setFault('GET /api/v5/account/balance', null)
    }
  })

  test('HTTP 503 and code 50001 "Service temporarily unavailable" are VenueUnavailable', async () => {
    for (const [status, body] of [
      [503, { code: '50001', msg: 'Service temporarily unavailable. Please try again later.', data: [] }],
      [200, { code: '50001', msg: 'Service temporarily unavailable. Please try again later.', data: [] }],
    ] as const) {
      server.setFault('GET /api/v5/account/positions', { kind: 'status', status, body })
      try {
        expect(await failure(fetchFrom(server.url)), `HTTP ${status}`).toBeInstanceOf(VenueUnavailable)
      } finally {
        server.setFault('GET /api/v5/account/positions', null)
      }
    }
  })

  test('50011 with HTTP 429 is a rate limit: the Retry-After when OKX gives one, else no made-up wait', async () => {
    const body = { code: '50011', msg: 'Rate limit reached. Please refer to API documentation and throttle requests accordingly.', data: [] }
    for (const [headers, expected] of [
      [{ 'Retry-After': '2' }, 2000],
      [{}, null],
    ] as const) {
      server.setFault('GET /api/v5/account/balance', { kind: 'status', status: 429, headers, body })
      try {
        const error = await failure(fetchFrom(server.url))
        expect(error).toBeInstanceOf(VenueUnavailable)
        expect(error.retryAfterMs).toBe(expected)
      } finally {
        server.setFault('GET /api/v5/account/balance', null)
      }
    }
  })
})

describe('OKX documented Get balance example (multi-currency margin)', () => {
  let server: ReplayServer
  beforeAll(async () => {
    server = await startOkxReplay({
      ...files,
      '/api/v5/account/balance': testdata('balance.docs-example.json'),
      '/api/v5/account/positions': testdata('positions.docs-balance.json'),
      '/api/v5/public/position-tiers': testdata('position-tiers.BTC-USDT-SWAP.docs-format.json'),
    })
  })
  afterAll(async () => server?.close())

  test('adjEq / (mmr + notionalUsd × 0.05 %) is the payload’s own mgnRatio 143682.59776662575', async () => {
    const snapshot = await fetchFrom(server.url)
    const details = snapshot.margin.details as Details
    expect(details.mode).toBe('multi-currency')
    // 55415.624719833286 / (0.3428274116 + 85.7068529 × 0.0005) = 143682.5977666257718…; OKX writes the float.
    expect(new Decimal(details.okxMarginRatioFromReportedMm!).minus('143682.59776662575').abs().toNumber()).toBeLessThan(1e-9)
    expect(details.reportedMgnRatio).toBe('143682.59776662575')
    expect(snapshot.margin.reported).toMatchObject({ currency: 'USD', equity: '55415.624719833286', initialMargin: '8.57068529', maintenanceMargin: '0.3428274116' })
  })

  test('the position replicated from its tier gives OKX’s imr and mmr, and the same margin ratio', async () => {
    const snapshot = await fetchFrom(server.url)
    // The position is written so its notional is the balance's notionalUsd 85.7068529; the balance's imr/notional = 10 %
    // (10x) and mmr/notional = 0.4 % (the tier), so our figures must land on OKX's 8.57068529 and 0.3428274116.
    expect(snapshot.margin.replicated).toMatchObject({ initialMargin: '8.57068529', maintenanceMargin: '0.3428274116' })
    expect(Number((snapshot.margin.details as Details).okxMarginRatio)).toBeCloseTo(143682.59776662575, 6)
    // Stored the other way round (requirement / equity, to 12 decimals) like every venue’s ratio.
    expect(Number(snapshot.margin.reported.marginRatio)).toBeCloseTo(1 / 143682.59776662575, 12)
  })
})

describe('OKX positions it cannot margin', () => {
  let server: ReplayServer
  let dir: string
  beforeAll(async () => {
    // The documented-format position plus one in a swap the instruments answer does not list.
    dir = mkdtempSync(path.join(tmpdir(), 'okx-unknown-'))
    const positions = JSON.parse(readFileSync(testdata('positions.docs-format.json'), 'utf8')) as { data: Record<string, unknown>[] }
    positions.data.push({ ...positions.data[0], instId: 'ZZZNEW-USDT-SWAP', posId: '1' })
    writeFileSync(path.join(dir, 'positions.json'), JSON.stringify(positions))
    server = await startOkxReplay({ ...files, '/api/v5/account/positions': path.join(dir, 'positions.json') })
  })
  afterAll(async () => {
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test('an unknown instrument is kept and flagged; the replicated totals become unknown instead of short', async () => {
    const snapshot = await fetchFrom(server.url)
    expect(snapshot.positions.map((p) => p.instrument.venueSymbol)).toEqual(['BTC-USDT-SWAP', 'ZZZNEW-USDT-SWAP'])
    // Without a contract value the size stays in contracts, and says so.
    expect(snapshot.positions[1]).toMatchObject({ size: '0.1', flags: ['unknown-symbol'], venueMaintenanceMargin: '1.86' })
    expect(snapshot.margin.replicated).toMatchObject({ initialMargin: null, maintenanceMargin: null, marginRatio: null })
  })
})

describe('OKX account verification', () => {
  let server: ReplayServer
  beforeAll(async () => {
    server = await startOkxReplay(files)
  })
  afterAll(async () => server?.close())
  const withConfig = async <T>(change: (c: Record<string, unknown>) => void, work: () => Promise<T>) => {
    const answer = JSON.parse(readFileSync(testdata('account-config.docs-example.json'), 'utf8')) as { data: Record<string, unknown>[] }
    change(answer.data[0]!)
    server.setFault('GET /api/v5/account/config', { kind: 'status', status: 200, body: answer })
    try {
      return await work()
    } finally {
      server.setFault('GET /api/v5/account/config', null)
    }
  }

  test('the docs’ key (perm "read_only,withdraw,trade", futures mode) is accepted with a warning for trade and withdraw', async () => {
    const { warnings } = await verifyAt(server.url)
    expect(warnings).toHaveLength(2)
    expect(warnings[0]).toMatch(/can trade/)
    expect(warnings[1]).toMatch(/can withdraw/)
  })

  test('a read-only key passes quietly; in spot mode (acctLv 1) it warns that no derivatives can show', async () => {
    expect(await withConfig((c) => (c.perm = 'read_only'), () => verifyAt(server.url))).toEqual({ warnings: [] })
    const { warnings } = await withConfig(
      (c) => {
        c.perm = 'read_only'
        c.acctLv = '1'
      },
      () => verifyAt(server.url),
    )
    expect(warnings).toEqual([expect.stringMatching(/spot mode \(acctLv 1\)/)])
  })

  test('a rejected key is Unauthorized', async () => {
    server.setFault('GET /api/v5/account/config', { kind: 'status', status: 401, body: { code: '50111', msg: 'Invalid OK-ACCESS-KEY', data: [] } })
    try {
      expect(await failure(verifyAt(server.url))).toBeInstanceOf(Unauthorized)
    } finally {
      server.setFault('GET /api/v5/account/config', null)
    }
  })
})

let conformance: ReplayServer
describeConnectorConformance('okx', {
  connector: okxConnector,
  async start() {
    conformance = await startOkxReplay(files)
    return { config: { apiKeyEnv: 'OKX_KEY', secretEnv: 'OKX_SECRET', passphraseEnv: 'OKX_PASS' }, env: env(conformance.url, 2_000) }
  },
  setFault(fault) {
    conformance.setFault('*', replayFault(fault))
  },
  stop: async () => conformance?.close(),
  secrets: Object.values(SECRETS),
  invalidConfig: { config: { apiKeyEnv: 'OKX_KEY', secretEnv: 'OKX_SECRET' }, key: 'passphraseEnv' },
})
