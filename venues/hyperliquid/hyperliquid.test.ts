// Hyperliquid against a local server replaying the recorded info API answers (hyperliquid-python-sdk cassette,
// see ../shared/data/venue-responses/SOURCES.md): our replication equals the figures in the same payload.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Decimal } from '../../core/decimal.js'
import { silentLogger } from '../../core/logger.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import { sharedDataPath } from '../../test/support/shared-data.js'
import { describeConnectorConformance, replayFault } from '../../test/support/connector-conformance.js'
import { hyperliquidConnector } from './connector.js'
import { hyperliquidDescriptor } from './descriptor.js'
import { calculateHyperliquidAccount } from './margin.js'
import { startHyperliquidReplay } from './local/replay.js'

const recorded = {
  clearinghouseState: sharedDataPath('venue-responses', 'hyperliquid', 'info-clearinghouseState.hl-python-sdk-cassette.json'),
  meta: sharedDataPath('venue-responses', 'hyperliquid', 'info-meta.hl-python-sdk-cassette.json'),
}
const user = `0x${'5e'.repeat(20)}`
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

  test('the USDC collateral is account value less unrealised P&L', async () => {
    const snapshot = await fetchOnce()
    const unrealised = snapshot.positions.reduce((s, p) => s.plus(p.unrealizedPnl!), new Decimal(0))
    expect(snapshot.balances).toEqual([expect.objectContaining({ asset: 'USDC', kind: 'wallet', amount: new Decimal('1182.312496').minus(unrealised).toFixed() })])
  })
})

describe('Hyperliquid liquidation price', () => {
  test('a lone cross long liquidates where account value equals maintenance margin', () => {
    // 1 BTC long at mark 60,000, 5,000 USDC of margin beyond the notional (raw USD = 5,000 − 60,000), max leverage 50.
    const input = { rawUsd: new Decimal(5000 - 60000), positions: [{ coin: 'BTC', szi: new Decimal(1), markPx: new Decimal(60000), leverage: new Decimal(10), maxLeverage: new Decimal(50), isolated: false }] }
    const liq = calculateHyperliquidAccount(input).positions[0]!.liquidationPrice!
    const at = calculateHyperliquidAccount({ ...input, positions: [{ ...input.positions[0]!, markPx: liq }] })
    expect(at.accountValue.minus(at.maintenanceMargin).abs().toNumber()).toBeLessThan(1e-9)
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
