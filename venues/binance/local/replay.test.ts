// The Binance USDⓈ-M replay: serves a fixture directory on Binance's paths and refuses unsigned private requests
// as Binance does.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import type { ReplayServer } from '../../../core/replay/http-replay-server.js'
import { fixtureFiles, startBinanceReplay } from './replay.js'

const demoDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demo-account')

describe('startBinanceReplay', () => {
  let server: ReplayServer
  beforeAll(async () => {
    server = await startBinanceReplay({ fixtures: demoDir })
  })
  afterAll(async () => server?.close())

  test('public endpoints answer without a key', async () => {
    const info = (await (await fetch(`${server.url}/fapi/v1/exchangeInfo`)).json()) as { symbols: { symbol: string }[] }
    expect(info.symbols.map((s) => s.symbol)).toEqual(['BTCUSDT', 'ETHUSDT'])
    const time = (await (await fetch(`${server.url}/fapi/v1/time`)).json()) as { serverTime: number }
    expect(Math.abs(time.serverTime - Date.now())).toBeLessThan(60_000)
  })

  test('a private endpoint without key and signature gets Binance\'s -2015 refusal', async () => {
    // https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code (-2015 REJECTED_MBX_KEY)
    const res = await fetch(`${server.url}/fapi/v2/account`)
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({ code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' })
  })

  test('a signed private request is answered from the fixture', async () => {
    const res = await fetch(`${server.url}/fapi/v3/positionRisk?timestamp=1&signature=ab`, { headers: { 'X-MBX-APIKEY': 'k' } })
    const positions = (await res.json()) as { symbol: string; positionAmt: string }[]
    expect(positions.map((p) => [p.symbol, p.positionAmt])).toEqual([
      ['BTCUSDT', '1.200'],
      ['ETHUSDT', '-1.500'],
    ])
  })

  test('a fixture directory missing a file is refused at start, naming the file', () => {
    expect(() => fixtureFiles(path.join(demoDir, 'nowhere'))).toThrow(/exchangeInfo file .*nowhere.*does not exist/)
  })
})
