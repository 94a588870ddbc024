// Bybit through ccxt against a local replay of Bybit's documented v5 examples (../shared/data/venue-responses/bybit):
// position IM and MM replicated exactly as the example states them, account rates from the wallet balance.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { silentLogger } from '../../core/logger.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import { sharedDataPath } from '../../test/support/shared-data.js'
import { describeConnectorConformance, replayFault } from '../../test/support/connector-conformance.js'
import { bybitConnector } from './connector.js'
import { bybitDescriptor } from './descriptor.js'
import { startBybitReplay } from './local/replay.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const KEY = 'bybit-test-key-11aa'
const SECRET = 'bybit-test-secret-22bb'
const files = {
  '/v5/account/wallet-balance': sharedDataPath('venue-responses', 'bybit', 'v5-account-wallet-balance.docs-2023-07.json'),
  '/v5/position/list': sharedDataPath('venue-responses', 'bybit', 'v5-position-list.linear-XRPUSDT.docs-2023-04.json'),
  '/v5/market/risk-limit': path.join(here, 'testdata', 'risk-limit.XRPUSDT.json'),
}
const env = (url: string, timeoutMs = 5_000) => ({ secret: (n: string) => ({ BYBIT_KEY: KEY, BYBIT_SECRET: SECRET })[n], timeoutMs, urlOverrides: { bybit: url }, logger: silentLogger() })
// The docs example dates from when the VIP 0 taker fee was 0.06 %.
const config = bybitDescriptor.configSchema.parse({ apiKeyEnv: 'BYBIT_KEY', secretEnv: 'BYBIT_SECRET', takerFeeRate: 0.0006 })

describe('Bybit documented examples', () => {
  let server: ReplayServer
  beforeAll(async () => {
    server = await startBybitReplay(files)
  })
  afterAll(async () => server?.close())
  const fetchOnce = async () => {
    const client = bybitConnector.createClient(config, env(server.url))
    try {
      return await bybitConnector.fetchAccount(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })
    } finally {
      await bybitConnector.closeClient!(client)
    }
  }

  test('XRPUSDT long 100 @ 0.3615 at 10x: IM 3.634521 and MM 0.381021 as Bybit states them', async () => {
    const snapshot = await fetchOnce()
    const [position] = snapshot.positions
    expect(position).toMatchObject({ size: '100', entryPrice: '0.3615', venueInitialMargin: '3.634521', venueMaintenanceMargin: '0.381021' })
    // Fee to close at the bankruptcy price 0.3615 × (1 − 1/10) = 0.32535: 100 × 0.32535 × 0.06 % = 0.019521;
    // IM = 36.15 / 10 + 0.019521; MM = 36.15 × 1 % (tier 41) + 0.019521.
    const [detail] = (snapshot.margin.details as { positions: { feeToClose: string; initialMargin: string; maintenanceMargin: string }[] }).positions
    expect(detail).toMatchObject({ feeToClose: '0.019521', initialMargin: '3.634521', maintenanceMargin: '0.381021' })
  })

  test('the account IM rate is total IM over margin balance, to Bybit’s 4 decimals', async () => {
    const snapshot = await fetchOnce()
    // 182.60183684 / 18070.32797922 = 0.010105… → 0.0101, the accountIMRate in the same payload.
    expect((snapshot.margin.details as { accountIMRate: string }).accountIMRate).toBe('0.0101')
    expect(snapshot.margin.reported).toMatchObject({ equity: '18070.32797922', initialMargin: '182.60183684', withdrawable: '17887.72614237' })
    expect(snapshot.balances).toEqual([expect.objectContaining({ asset: 'BTC', amount: '0.805994', valueUsd: '12920.95352538' })])
  })

  test('requests carry Bybit’s key header; a rejected key is Unauthorized without the secret in it', async () => {
    expect(server.requests.find((r) => r.path === '/v5/position/list')!.headers['x-bapi-api-key']).toBe(KEY)
    server.setFault('GET /v5/account/wallet-balance', { kind: 'status', status: 401, body: { retCode: 10003, retMsg: 'API key is invalid.', result: {}, time: 1 } })
    try {
      const error = (await fetchOnce().then(() => null, (e: unknown) => e)) as Error & { code: string }
      expect(error.code).toBe('UNAUTHORIZED')
      expect(error.message).not.toContain(SECRET)
    } finally {
      server.setFault('GET /v5/account/wallet-balance', null)
    }
  })
})

let conformance: ReplayServer
describeConnectorConformance('bybit', {
  connector: bybitConnector,
  async start() {
    conformance = await startBybitReplay(files)
    return { config: { apiKeyEnv: 'BYBIT_KEY', secretEnv: 'BYBIT_SECRET' }, env: env(conformance.url, 2_000) }
  },
  setFault(fault) {
    conformance.setFault('*', replayFault(fault))
  },
  stop: async () => conformance?.close(),
  secrets: [KEY, SECRET],
  invalidConfig: { config: { apiKeyEnv: 'BYBIT_KEY', secretEnv: 'BYBIT_SECRET', settleCoin: 'BTC' }, key: 'settleCoin' },
})
