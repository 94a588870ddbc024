// The exchangeInfo a local Binance USDⓈ-M server answers with in feed tests: venues/binance/testdata's hand-written
// file in Binance's documented format (its README says why; no recorded exchangeInfo exists in
// ../shared/data/venue-responses/binance), with its ADAUSDT entry also given BTCUSDT's name and assets, because
// Binance's stream documentation writes its examples for BTCUSDT. ccxt reads only the identity and precision fields.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const docs = JSON.parse(readFileSync(fileURLToPath(new URL('../../venues/binance/testdata/exchangeInfo.docs-symbols.json', import.meta.url)), 'utf8')) as { symbols: Record<string, unknown>[] }
const ada = docs.symbols.find((s) => s.symbol === 'ADAUSDT')!

export const exchangeInfoWithBtcusdt = { ...docs, symbols: [...docs.symbols, { ...ada, symbol: 'BTCUSDT', pair: 'BTCUSDT', baseAsset: 'BTC' }] }
