// Two venues' feeds under one supervisor, each through its own local server: a spike on one venue is quarantined
// against the other's fresh prices. Message shapes as in binance-usdm.test.ts and hyperliquid.test.ts (Binance's
// "Mark Price Stream" example, Hyperliquid's WsActiveAssetCtx); the prices are test values around the recorded
// Hyperliquid BTC mid of 2023-07-17 (30135.0, venue-responses/hyperliquid/info-allMids.hl-python-sdk-cassette.json).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { silentLogger } from '../../core/logger.js'
import { exchangeInfoWithBtcusdt } from '../../test/support/binance-markets.js'
import { binanceUsdmFeed } from './binance-usdm.js'
import { hyperliquidFeed } from './hyperliquid.js'
import { startBinanceUsdmLocal, type BinanceUsdmLocal } from './local/binance-usdm-stream.js'
import { startHyperliquidLocal, type HyperliquidLocal } from './local/hyperliquid-stream.js'
import { FeedSupervisor, type QuarantinedPrint, type SupervisorListener } from './supervisor.js'
import type { Tick } from './types.js'

const T0 = Date.parse('2026-03-12T10:00:00Z')
const binanceMark = (E: number, p: string, i: string) => ({ e: 'markPriceUpdate', E, s: 'BTCUSDT', p, i, P: i, r: '0.00010000', T: 1689580800000 })
const hyperliquidCtx = (markPx: string, oraclePx: string) => ({ coin: 'BTC', ctx: { dayNtlVlm: '1069461837.5', prevDayPx: '30263.0', markPx, midPx: markPx, funding: '0.0000125', openInterest: '5123.456', oraclePx } })

describe('two venues under one supervisor', () => {
  let binance: BinanceUsdmLocal
  let hyperliquid: HyperliquidLocal
  beforeAll(async () => {
    binance = await startBinanceUsdmLocal({ exchangeInfo: exchangeInfoWithBtcusdt, depth: () => ({ lastUpdateId: 1, E: 1, T: 1, bids: [['30140.0', '1']], asks: [['30141.0', '1']] }), premiumIndex: () => ({}), openInterest: () => ({}) })
    hyperliquid = await startHyperliquidLocal()
  })
  afterAll(async () => {
    await binance?.close()
    await hyperliquid?.close()
  })

  test('a spike on one venue is quarantined against the other venue’s fresh mark and index; everything else flows', async () => {
    const supervisor = new FeedSupervisor({ logger: silentLogger(), now: () => T0, random: () => 0, wait: async () => undefined })
    const ticks: Tick[] = []
    const quarantined: QuarantinedPrint[] = []
    supervisor.listen({ tick: (t) => void ticks.push(t), quarantined: (q) => void quarantined.push(q) })
    const next = (event: 'tick' | 'quarantined', match: (value: Tick) => boolean) =>
      new Promise<void>((resolve) => {
        const listener: SupervisorListener = { [event]: (v: Tick | QuarantinedPrint) => match('tick' in v ? v.tick : v) && (stop(), resolve()) }
        const stop = supervisor.listen(listener)
      })
    const markOf = (venue: string, price: string) => (t: Tick) => t.venue === venue && t.kind === 'mark' && t.price === price
    supervisor.start(binanceUsdmFeed({ restUrl: binance.restUrl, wsUrl: binance.wsUrl, pollMs: 3_600_000, now: () => T0 }), [{ venue: 'binance', instrument: 'BTCUSDT', factor: 'BTC' }])
    supervisor.start(hyperliquidFeed({ wsUrl: hyperliquid.wsUrl, pingMs: 3_600_000, now: () => T0 }), [{ venue: 'hyperliquid', instrument: 'BTC', factor: 'BTC' }])
    try {
      await binance.subscribed('btcusdt@markPrice@1s')
      let arrived = next('tick', markOf('binance', '30140.5'))
      binance.push('btcusdt@markPrice@1s', binanceMark(1689584400000, '30140.50000000', '30138.20000000'))
      await arrived

      await hyperliquid.subscribed('activeAssetCtx:BTC')
      arrived = next('tick', markOf('hyperliquid', '30134.5'))
      hyperliquid.push('activeAssetCtx:BTC', 'activeAssetCtx', hyperliquidCtx('30134.5', '30140.0'))
      await arrived

      // Hyperliquid's mark jumps 11 % while its own oracle and both of Binance's prices stay put.
      arrived = next('quarantined', markOf('hyperliquid', '33500'))
      hyperliquid.push('activeAssetCtx:BTC', 'activeAssetCtx', hyperliquidCtx('33500.0', '30141.0'))
      await arrived
      expect(quarantined).toHaveLength(1)
      expect(quarantined[0]!.reason).toBe(
        '33500 is 11.15 % from 30140, the median of 3 other fresh sources (binance BTCUSDT mark 30140.5, binance BTCUSDT index 30138.2, hyperliquid BTC index 30140); the band is 5.00 %',
      )
      // The same message's oracle price is in the band and flows; the spike never reached a listener.
      expect(ticks).toContainEqual(expect.objectContaining({ venue: 'hyperliquid', kind: 'index', price: '30141' }))
      expect(ticks.filter((t) => t.kind === 'mark').map((t) => `${t.venue} ${t.kind === 'mark' ? t.price : ''}`)).toEqual(['binance 30140.5', 'hyperliquid 30134.5'])
      expect(supervisor.status('hyperliquid', 'BTC', 'mark')!.lastTick).toMatchObject({ price: '30134.5' })
    } finally {
      await supervisor.stop()
    }
  })
})
