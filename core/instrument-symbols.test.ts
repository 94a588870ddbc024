import { describe, expect, test } from '@jest/globals'
import { parseInstrumentSymbol } from './instrument-symbols.js'

describe('instrument names as venues write them', () => {
  test('Deribit perpetual, future and option are inverse (coin-settled) and expire at 08:00 UTC', () => {
    expect(parseInstrumentSymbol('deribit', 'BTC-PERPETUAL')).toMatchObject({ kind: 'perpetual', underlying: 'BTC', settlement: 'BTC', inverse: true })
    expect(parseInstrumentSymbol('deribit', 'BTC-28JUN24')).toMatchObject({ kind: 'future', inverse: true, expiryMs: Date.UTC(2024, 5, 28, 8) })
    expect(parseInstrumentSymbol('deribit', 'BTC-28JUN24-70000-C')).toMatchObject({ kind: 'option', strike: 70000, optionType: 'call', inverse: true })
    expect(parseInstrumentSymbol('deribit', 'ETH-5JUL24-3000-P')).toMatchObject({ underlying: 'ETH', strike: 3000, optionType: 'put', expiryMs: Date.UTC(2024, 6, 5, 8) })
  })

  test('Deribit linear USDC contracts settle in USDC', () => {
    expect(parseInstrumentSymbol('deribit', 'BTC_USDC-PERPETUAL')).toMatchObject({ kind: 'perpetual', settlement: 'USDC', inverse: false })
  })

  test('ccxt unified symbols: spot, linear and inverse swaps, dated futures and options', () => {
    expect(parseInstrumentSymbol('binance', 'BTC/USDT')).toMatchObject({ kind: 'spot', inverse: false })
    expect(parseInstrumentSymbol('binance', 'BTC/USDT:USDT')).toMatchObject({ kind: 'perpetual', settlement: 'USDT', inverse: false })
    expect(parseInstrumentSymbol('binance', 'BTC/USD:BTC')).toMatchObject({ kind: 'perpetual', inverse: true })
    expect(parseInstrumentSymbol('binance', 'ETH/USDT:USDT-240628')).toMatchObject({ kind: 'future', expiryMs: Date.UTC(2024, 5, 28, 8) })
    expect(parseInstrumentSymbol('deribit', 'BTC/USD:BTC-240628-70000-C')).toMatchObject({ kind: 'option', strike: 70000, inverse: true })
  })

  test('Binance native symbols: USDⓈ-M linear, COIN-M inverse', () => {
    expect(parseInstrumentSymbol('binance', 'BTCUSDT')).toMatchObject({ kind: 'perpetual', underlying: 'BTC', quote: 'USDT', inverse: false })
    expect(parseInstrumentSymbol('binance', 'BTCUSD_PERP')).toMatchObject({ kind: 'perpetual', settlement: 'BTC', inverse: true })
    expect(parseInstrumentSymbol('binance', 'ETHUSD_240628')).toMatchObject({ kind: 'future', underlying: 'ETH', inverse: true })
  })

  test('OKX, dYdX and Hyperliquid names', () => {
    expect(parseInstrumentSymbol('okx', 'BTC-USDT-SWAP')).toMatchObject({ kind: 'perpetual', inverse: false })
    expect(parseInstrumentSymbol('okx', 'BTC-USD-SWAP')).toMatchObject({ kind: 'perpetual', inverse: true })
    expect(parseInstrumentSymbol('okx', 'BTC-USD-240628-70000-C')).toMatchObject({ kind: 'option', strike: 70000 })
    expect(parseInstrumentSymbol('dydx-v4', 'ETH-USD')).toMatchObject({ kind: 'perpetual', settlement: 'USDC', inverse: false })
    expect(parseInstrumentSymbol('hyperliquid', 'SOL')).toMatchObject({ kind: 'perpetual', underlying: 'SOL', settlement: 'USDC' })
  })

  test('wrapped underlyings map to their factor', () => {
    expect(parseInstrumentSymbol('binance', 'WBTC/USDT')).toMatchObject({ underlying: 'BTC' })
  })

  test('an unknown name is refused naming the field', () => {
    expect(() => parseInstrumentSymbol('deribit', 'BTC-31FOO24', 'positions[0].instrument')).toThrow(/positions\[0\]\.instrument: "BTC-31FOO24" is not an instrument name/)
    expect(() => parseInstrumentSymbol('deribit', 'BTC-28JUN24-70000-X')).toThrow(/not an instrument name/)
    expect(() => parseInstrumentSymbol('binance', 'hello world')).toThrow(/not an instrument name/)
  })
})
