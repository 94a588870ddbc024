// OKX through ccxt against a local replay: the recorded balance (simple mode, no margin figures) and position
// tiers, with a BTC-USDT-SWAP position written in OKX's documented format; our figures checked by hand.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { silentLogger } from '../../core/logger.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import { sharedDataPath } from '../../test/support/shared-data.js'
import { describeConnectorConformance, replayFault } from '../../test/support/connector-conformance.js'
import { okxConnector } from './connector.js'
import { okxDescriptor } from './descriptor.js'
import { startOkxReplay } from './local/replay.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const SECRETS = { OKX_KEY: 'okx-key-31de', OKX_SECRET: 'okx-secret-77c0', OKX_PASS: 'okx-pass-0b9a' }
const files = {
  '/api/v5/account/balance': sharedDataPath('venue-responses', 'okx', 'http_get_account_balance.nautilus.json'),
  '/api/v5/public/position-tiers': sharedDataPath('venue-responses', 'okx', 'http_get_position_tiers.nautilus.json'),
  '/api/v5/account/positions': path.join(here, 'testdata', 'positions.docs-format.json'),
  '/api/v5/public/instruments': path.join(here, 'testdata', 'instruments.BTC-USDT-SWAP.json'),
}
const env = (url: string, timeoutMs = 5_000) => ({ secret: (n: string) => SECRETS[n as keyof typeof SECRETS], timeoutMs, urlOverrides: { okx: url }, logger: silentLogger() })
const config = okxDescriptor.configSchema.parse({ apiKeyEnv: 'OKX_KEY', secretEnv: 'OKX_SECRET', passphraseEnv: 'OKX_PASS' })

describe('OKX', () => {
  let server: ReplayServer
  beforeAll(async () => {
    server = await startOkxReplay(files)
  })
  afterAll(async () => server?.close())
  const fetchOnce = async () => {
    const client = okxConnector.createClient(config, env(server.url))
    try {
      return await okxConnector.fetchAccount(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })
    } finally {
      await okxConnector.closeClient!(client)
    }
  }

  test('a swap position in contracts becomes coins; IM, MM and the margin ratio follow OKX’s formulas by hand', async () => {
    const snapshot = await fetchOnce()
    const [position] = snapshot.positions
    // 0.1 contract × 0.01 BTC = 0.001 BTC; notional 0.001 × 62,000 = 62.
    expect(position).toMatchObject({ size: '0.001', markPrice: '62000', venueInitialMargin: '6', venueMaintenanceMargin: '1.86' })
    const [detail] = (snapshot.margin.details as { positions: { notional: string; initialMargin: string; maintenanceMargin: string; feeToClose: string }[] }).positions
    // IM = 62 / 10; MM = 62 × 3 % (tier 1); fee to close = 62 × 0.05 %.
    expect(detail).toMatchObject({ notional: '62', initialMargin: '6.2', maintenanceMargin: '1.86', feeToClose: '0.031' })
    // OKX margin ratio = equity / (MM + fee) = 99.89469657000001 / 1.891.
    expect(Number((snapshot.margin.details as { okxMarginRatio: string }).okxMarginRatio)).toBeCloseTo(99.89469657000001 / 1.891, 6)
  })

  test('an account in simple mode reports no margin figures: null, never zero', async () => {
    const snapshot = await fetchOnce()
    expect(snapshot.margin.reported).toMatchObject({ initialMargin: null, maintenanceMargin: null, marginRatio: null })
    expect(snapshot.balances).toEqual([expect.objectContaining({ asset: 'USDT', amount: '94.42612990333333' })])
  })

  test('requests carry the key and passphrase headers; none of the three secrets reaches an error', async () => {
    expect(server.requests.find((r) => r.path === '/api/v5/account/positions')!.headers['ok-access-passphrase']).toBe(SECRETS.OKX_PASS)
    server.setFault('GET /api/v5/account/balance', { kind: 'status', status: 401, body: { code: '50111', msg: 'Invalid OK-ACCESS-KEY', data: [] } })
    try {
      const error = (await fetchOnce().then(() => null, (e: unknown) => e)) as Error & { code: string }
      expect(error.code).toBe('UNAUTHORIZED')
      for (const s of Object.values(SECRETS)) expect(error.message).not.toContain(s)
    } finally {
      server.setFault('GET /api/v5/account/balance', null)
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
