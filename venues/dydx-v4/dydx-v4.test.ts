// dYdX v4 against a local indexer replaying recorded answers (ccxt's static fixtures, mainnet July 2025; see
// ../shared/data/venue-responses/SOURCES.md): equity and initial margin reproduce the subaccount's own figures.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { Decimal } from '../../core/decimal.js'
import { silentLogger } from '../../core/logger.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import { readSharedJson } from '../../test/support/shared-data.js'
import { describeConnectorConformance, replayFault } from '../../test/support/connector-conformance.js'
import { dydxV4Connector } from './connector.js'
import { dydxV4Descriptor } from './descriptor.js'
import { effectiveImf } from './margin.js'
import { startDydxReplay } from './local/replay.js'

const address = 'dydx14zzueazeh0hj67cghhf9jypslcf9sh2n5k6art'
const data = () => ({
  address,
  addressResponse: readSharedJson<{ subaccounts: { subaccountNumber: number }[] }>('venue-responses', 'dydx-v4', 'v4-addresses.ccxt-fetchAccounts.json'),
  perpetualMarkets: readSharedJson('venue-responses', 'dydx-v4', 'v4-perpetualMarkets.BTC-USD.ccxt-fetchMarkets.json'),
})
const env = (url: string, timeoutMs = 5_000) => ({ secret: () => undefined, timeoutMs, urlOverrides: { 'dydx-v4': url }, logger: silentLogger() })

describe('dYdX v4, recorded subaccount (BTC-USD short 0.491, 82,291 USDC)', () => {
  let server: ReplayServer
  beforeAll(async () => {
    server = await startDydxReplay(data())
  })
  afterAll(async () => server?.close())

  const fetchOnce = async (subaccountNumber = 0) => {
    const config = dydxV4Descriptor.configSchema.parse({ address, subaccountNumber })
    return dydxV4Connector.fetchAccount(dydxV4Connector.createClient(config, env(server.url)), config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })
  }

  test('equity, initial margin and free collateral equal the indexer’s own figures', async () => {
    const snapshot = await fetchOnce()
    const { reported, replicated } = snapshot.margin
    // equity = USDC + size × oracle, the oracle being entry + uPnL / size at the indexer's height.
    expect(new Decimal(replicated.equity!).minus(reported.equity!).abs().toNumber()).toBeLessThan(1e-8)
    // IM = equity − freeCollateral = |size| × oracle × IMF 0.02 (no open-interest scaling: caps are 0).
    expect(new Decimal(replicated.initialMargin!).minus(reported.initialMargin!).abs().toNumber()).toBeLessThan(1e-8)
    expect(new Decimal(replicated.withdrawable!).minus(reported.withdrawable!).abs().toNumber()).toBeLessThan(1e-8)
    // Maintenance at MMF 1.2 %; the short liquidates where equity equals it: P = USDC / (|size|·MMF − size).
    expect(Number(replicated.maintenanceMargin)).toBeCloseTo(Number(snapshot.positions[0]!.notional) * 0.012, 6)
    expect(Number(snapshot.positions[0]!.liquidationPrice)).toBeCloseTo(82291.083758 / (0.491 * 0.012 + 0.491), 4)
  })

  test('positions and the USDC balance are kept with their signs', async () => {
    const snapshot = await fetchOnce()
    expect(snapshot.positions.map((p) => [p.instrument.venueSymbol, p.size, p.instrument.underlying])).toEqual([['BTC-USD', '-0.491', 'BTC']])
    // The indexer's USDC (82,291.083758) holds the short's proceeds: stored net of them, 82,291.083758 − 0.491 ×
    // 118,703.6081… (the entry) = 24,007.6122, which with the unrealised 1,339.128 is the subaccount's equity.
    expect(snapshot.balances).toEqual([expect.objectContaining({ asset: 'USDC', kind: 'wallet', flags: ['net-of-entry-notional'], raw: expect.objectContaining({ size: '82291.083758' }) })])
    expect(Number(snapshot.balances[0]!.amount)).toBeCloseTo(24007.6122, 4)
    expect(Number(snapshot.balances[0]!.amount) + Number(snapshot.positions[0]!.unrealizedPnl)).toBeCloseTo(Number(snapshot.margin.reported.equity), 6)
    expect(snapshot.blockNumber).toBe(45293477n)
  })

  test('a subaccount that does not exist is a clear rejection', async () => {
    await expect(fetchOnce(7)).rejects.toThrow(/subaccount 7 of dydx14zz.* does not exist/)
  })

  test('verifyAccount: an unknown address or subaccount number is refused naming the key; a known one passes', async () => {
    const verify = (config: object) => {
      const parsed = dydxV4Descriptor.configSchema.parse(config)
      return dydxV4Connector.verifyAccount!(dydxV4Connector.createClient(parsed, env(server.url)), parsed, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })
    }
    await expect(verify({ address, subaccountNumber: 0 })).resolves.toEqual({ warnings: [] })
    // The recorded address lists subaccount 0 only.
    await expect(verify({ address, subaccountNumber: 7 })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'subaccountNumber', message: expect.stringMatching(/has no subaccount 7 \(it has 0\)/) })
    // The replay answers 404 for an address it does not hold, as the indexer does for one that never deposited.
    const stranger = 'dydx1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq'
    await expect(verify({ address: stranger, subaccountNumber: 0 })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'address' })
  })

  test('open-interest IMF scaling rises linearly from the base IMF between the caps (dYdX docs formula)', () => {
    const d = (x: string | number) => new Decimal(x)
    // ETH-USD in abacus's effective-IMF fixture: IMF 1 %, OI 1,000 × oracle 1,000 = 1,000,000 USD, caps 100k–1.5M:
    // scale = (1,000,000 − 100,000) / 1,400,000 = 0.642857…; IMF = 0.01 + 0.642857… × 0.99 = 0.6464285714…
    const imf = effectiveImf({ ticker: 'ETH-USD', oraclePrice: d(1000), initialMarginFraction: d('0.01'), maintenanceMarginFraction: d('0.03'), openInterest: d(1000), openInterestLowerCap: d(100000), openInterestUpperCap: d(1500000) })
    expect(imf.toNumber()).toBeCloseTo(0.01 + (900000 / 1400000) * 0.99, 12)
    expect(effectiveImf({ ticker: 'X', oraclePrice: d(1), initialMarginFraction: d('0.05'), maintenanceMarginFraction: d('0.03'), openInterest: d(1e9), openInterestLowerCap: d(1), openInterestUpperCap: d(2) }).toNumber()).toBe(1)
  })
})

let conformance: ReplayServer
describeConnectorConformance('dydx-v4', {
  connector: dydxV4Connector,
  async start() {
    conformance = await startDydxReplay(data())
    return { config: { address }, env: env(conformance.url, 2_000) }
  },
  setFault(fault) {
    conformance.setFault('*', replayFault(fault))
  },
  stop: async () => conformance?.close(),
  invalidConfig: { config: { address: 'cosmos1abc' }, key: 'address' },
})
