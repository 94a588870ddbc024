// A Binance COIN-M contract (BTCUSD_PERP, ETHUSD_250627) as an instrument: inverse, settled in its base coin,
// 100 USD a contract for BTC and 10 USD for the others, dated contracts expiring at 08:00 UTC.
import { canonicalAsset } from '../../core/assets.js'
import type { Position } from '../../core/domain.js'

export function coinmInstrument(symbol: string, base: string): Position['instrument'] {
  const expiry = /_(\d{6})$/.exec(symbol)?.[1]
  return {
    venueSymbol: symbol,
    kind: expiry ? 'future' : 'perpetual',
    underlying: canonicalAsset(base).factor,
    quote: 'USD',
    settlement: base,
    inverse: true,
    contractSize: base === 'BTC' ? '100' : '10',
    expiry: expiry ? new Date(Date.UTC(2000 + Number(expiry.slice(0, 2)), Number(expiry.slice(2, 4)) - 1, Number(expiry.slice(4, 6)), 8)) : null,
    strike: null,
    optionType: null,
  }
}
