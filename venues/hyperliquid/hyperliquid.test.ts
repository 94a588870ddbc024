// Hyperliquid against a local server replaying the recorded info API answers (hyperliquid-python-sdk cassette,
// see ../shared/data/venue-responses/SOURCES.md): our replication equals the figures in the same payload.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { Decimal } from '../../core/decimal.js'
import { silentLogger } from '../../core/logger.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import { sharedDataPath } from '../../test/support/shared-data.js'
import { describeConnectorConformance, replayFault } from '../../test/support/connector-conformance.js'
import { hyperliquidConnector } from './connector.js'
import { hyperliquidDescriptor } from './descriptor.js'
import { calculateHyperliquidAccount, tieredMaintenanceMargin } from './margin.js'
import { spotDocsExample, startHyperliquidReplay } from './local/replay.js'

const recorded = {
  clearinghouseState: sharedDataPath('venue-responses', 'hyperliquid', 'info-clearinghouseState.hl-python-sdk-cassette.json'),
  meta: sharedDataPath('venue-responses', 'hyperliquid', 'info-meta.hl-python-sdk-cassette.json'),
  spotClearinghouseState: spotDocsExample,
}
const user = `0x${'5e'.repeat(20)}`
const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata')
const env = (url: string, timeoutMs = 5_000) => ({ secret: () => undefined, timeoutMs, urlOverrides: { hyperliquid: url }, logger: silentLogger() })

describe('Hyperliquid, recorded clearinghouse state (12 cross positions at 20x)', () => {
  let server: ReplayServer
  beforeAll(async () => {
    server = await startHyperliquidReplay(recorded)
  })
  afterAll(async () => server?.close())

  const fetchOnce = async () => {
    const config = hyperliquidDescriptor.configSchema.parse({ user })
    return hyperliquidConnector.fetchAccount(hyperliquidConnector.createClient(config, env(server.url)), config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })
  }

  test('account value, margin used and withdrawable equal the payload’s own figures', async () => {
    const snapshot = await fetchOnce()
    const { reported, replicated } = snapshot.margin
    // accountValue 1182.312496 = totalRawUsd 86.549602 + Σ signed position value; Σ marginUsed = 171.740766;
    // withdrawable 1010.57173 = accountValue − totalMarginUsed.
    expect(replicated.equity).toBe('1182.312496')
    expect(reported.equity).toBe('1182.312496')
    expect(replicated.initialMargin).toBe('171.740766')
    expect(reported.initialMargin).toBe('171.740766')
    expect(replicated.withdrawable).toBe('1010.57173')
    expect(reported.withdrawable).toBe('1010.57173')
  })

  test('each position’s margin used is its value / leverage, cut to 6 decimals as Hyperliquid does', async () => {
    const snapshot = await fetchOnce()
    const details = snapshot.margin.details as { coin: string; initialMargin: string; maintenanceMargin: string }[]
    for (const position of snapshot.positions) {
      const mine = details.find((d) => d.coin === position.instrument.venueSymbol)!
      expect(mine.initialMargin).toBe(position.venueInitialMargin)
    }
    // BTC: value 211.64542 at max leverage 50 → maintenance = half the initial margin at max leverage = 211.64542/100.
    expect(details.find((d) => d.coin === 'BTC')!.maintenanceMargin).toBe('2.1164542')
    const btc = snapshot.positions.find((p) => p.instrument.venueSymbol === 'BTC')!
    expect(btc).toMatchObject({ size: '-0.00785', entryPrice: '26951', marginMode: 'cross', leverage: '20' })
    expect(btc.instrument).toMatchObject({ underlying: 'BTC', settlement: 'USDC', inverse: false })
  })

  test('the perp USDC is account value less unrealised P&L; spot balances sit beside it, not as margin', async () => {
    const snapshot = await fetchOnce()
    const unrealised = snapshot.positions.reduce((s, p) => s.plus(p.unrealizedPnl!), new Decimal(0))
    expect(snapshot.balances[0]).toEqual(expect.objectContaining({ asset: 'USDC', kind: 'wallet', amount: new Decimal('1182.312496').minus(unrealised).toFixed(), usableAsCollateral: true }))
    // The documented spotClearinghouseState example: 14.625485 USDC and 2,000 PURR.
    expect(snapshot.balances.slice(1).map((b) => [b.asset, b.amount, b.usableAsCollateral, b.flags])).toEqual([
      ['USDC', '14.625485', false, ['spot']],
      ['PURR', '2000', false, ['spot']],
    ])
  })
})

describe('Hyperliquid margin tiers', () => {
  const tiers = [
    { lowerBound: new Decimal(0), maxLeverage: new Decimal(40) },
    { lowerBound: new Decimal(150_000_000), maxLeverage: new Decimal(20) },
  ]
  test('BTC’s mainnet table (40x to 150M, 20x above): 200M of value holds 3.125M, the marginal rates summed', () => {
    // Closed form: 150M at 1/80 plus 50M at 1/40 = 1.875M + 1.25M; Hyperliquid writes it as 200M × 1/40 − deduction,
    // deduction = 150M × (1/40 − 1/80) = 1.875M.
    const mm = tieredMaintenanceMargin(tiers, new Decimal(200_000_000))
    expect(mm.margin.toFixed()).toBe('3125000')
    expect(mm.deduction.toFixed()).toBe('1875000')
    expect(mm.tier).toBe(1)
    // Continuous at the bound, and one tier is half the initial margin at max leverage.
    expect(tieredMaintenanceMargin(tiers, new Decimal(150_000_000)).margin.toFixed()).toBe('1875000')
    expect(tieredMaintenanceMargin(tiers.slice(0, 1), new Decimal(120_000)).margin.toFixed()).toBe('1500')
  })
})

describe('Hyperliquid cross and isolated positions, tiered meta (hand-written in the documented formats)', () => {
  let server: ReplayServer
  beforeAll(async () => {
    server = await startHyperliquidReplay({ clearinghouseState: path.join(testdata, 'clearinghouseState.cross-and-isolated.json'), meta: path.join(testdata, 'meta.tiered.json'), spotClearinghouseState: spotDocsExample })
  })
  afterAll(async () => server?.close())

  test('cross maintenance is the cross positions’ alone, as crossMaintenanceMarginUsed; equity counts the isolated margin', async () => {
    const config = hyperliquidDescriptor.configSchema.parse({ user })
    const snapshot = await hyperliquidConnector.fetchAccount(hyperliquidConnector.createClient(config, env(server.url)), config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })
    const { reported, replicated } = snapshot.margin
    // BTC 2 × 60,000 = 120,000 at 1/80 = 1,500; ETH (isolated) is not in the cross figure.
    expect(replicated.maintenanceMargin).toBe('1500')
    expect(reported.maintenanceMargin).toBe('1500')
    // −61,000 raw USD + 120,000 − 30,000 = 29,000 = cross 22,000 + isolated 7,000.
    expect(replicated.equity).toBe('29000')
    expect(reported.equity).toBe('29000')
    expect(snapshot.positions.map((p) => [p.instrument.venueSymbol, p.marginMode])).toEqual([['BTC', 'cross'], ['ETH', 'isolated']])
    const details = snapshot.margin.details as { coin: string; maintenanceMargin: string; liquidationPrice: string }[]
    // ETH single tier at 25x (table 25 is not listed: one tier at the asset's max): 30,000 / 50 = 600.
    expect(details.find((d) => d.coin === 'ETH')!.maintenanceMargin).toBe('600')
    // Liquidation prices (docs formula): BTC 60,000 − (22,000 − 1,500)/2/(1 − 1/80); ETH 3,000 + (7,000 − 600)/10/(1 + 1/50).
    expect(Number(details.find((d) => d.coin === 'BTC')!.liquidationPrice)).toBeCloseTo(60000 - 20500 / 2 / (1 - 1 / 80), 6)
    expect(Number(details.find((d) => d.coin === 'ETH')!.liquidationPrice)).toBeCloseTo(3000 + 6400 / 10 / (1 + 1 / 50), 6)
    for (const p of snapshot.positions) expect(Number(p.liquidationPrice)).toBeCloseTo(Number(details.find((d) => d.coin === p.instrument.venueSymbol)!.liquidationPrice), 6)
  })

  test('an isolated position liquidates where its own value meets its maintenance margin, the cross book untouched', () => {
    const eth = { coin: 'ETH', szi: new Decimal(-10), markPx: new Decimal(3000), leverage: new Decimal(5), tiers: [{ lowerBound: new Decimal(0), maxLeverage: new Decimal(25) }], isolatedRawUsd: new Decimal(37000) }
    const input = { rawUsd: new Decimal(-61000), crossRawUsd: new Decimal(-98000), positions: [eth] }
    const liq = calculateHyperliquidAccount(input).positions[0]!.liquidationPrice!
    const at = calculateHyperliquidAccount({ ...input, positions: [{ ...eth, markPx: liq }] }).positions[0]!
    // Its own value at liq: raw USD + size × price, against the maintenance margin there (its value / 50).
    expect(new Decimal(37000).plus(eth.szi.mul(liq)).minus(at.maintenanceMargin).abs().toNumber()).toBeLessThan(1e-9)
  })
})

describe('Hyperliquid liquidation price', () => {
  test('a lone cross long liquidates where account value equals maintenance margin', () => {
    // 1 BTC long at mark 60,000, 5,000 USDC of margin beyond the notional (raw USD = 5,000 − 60,000), max leverage 50.
    const btc = { coin: 'BTC', szi: new Decimal(1), markPx: new Decimal(60000), leverage: new Decimal(10), tiers: [{ lowerBound: new Decimal(0), maxLeverage: new Decimal(50) }], isolatedRawUsd: null }
    const input = { rawUsd: new Decimal(5000 - 60000), crossRawUsd: new Decimal(5000 - 60000), positions: [btc] }
    const liq = calculateHyperliquidAccount(input).positions[0]!.liquidationPrice!
    const at = calculateHyperliquidAccount({ ...input, positions: [{ ...btc, markPx: liq }] })
    expect(at.crossAccountValue.minus(at.crossMaintenanceMargin).abs().toNumber()).toBeLessThan(1e-9)
  })
})

let conformance: ReplayServer
describeConnectorConformance('hyperliquid', {
  connector: hyperliquidConnector,
  async start() {
    conformance = await startHyperliquidReplay(recorded)
    return { config: { user }, env: env(conformance.url, 2_000) }
  },
  setFault(fault) {
    conformance.setFault('*', replayFault(fault))
  },
  stop: async () => conformance?.close(),
  invalidConfig: { config: { user: '0x12' }, key: 'user' },
})
