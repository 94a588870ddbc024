// GMX's public REST API for one chain: the markets (which tokens each market trades and is backed by), the tokens
// (symbol and decimals) and the oracle tickers (min and max price per smallest token unit × 10^30, the form the
// Reader takes). Docs: https://docs.gmx.io/docs/api/rest.
import { z } from 'zod'
import { getJson } from '../../core/http/json-client.js'
import { parsePayload } from '../payload.js'

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'is not an address')
const uintString = z.string().regex(/^\d+$/, 'is not an unsigned integer')

const MarketsSchema = z.looseObject({
  markets: z.array(z.looseObject({ name: z.string(), marketToken: address, indexToken: address, longToken: address, shortToken: address, isListed: z.boolean().optional() })),
})
const TokensSchema = z.looseObject({
  tokens: z.array(z.looseObject({ symbol: z.string(), address, decimals: z.number().int().min(0).max(30), synthetic: z.boolean().optional() })),
})
const TickersSchema = z.array(z.looseObject({ tokenAddress: address, tokenSymbol: z.string().optional(), minPrice: uintString, maxPrice: uintString, timestamp: z.number().optional() }))

export interface GmxMarket {
  name: string
  marketToken: string
  indexToken: string
  longToken: string
  shortToken: string
}

export interface GmxToken {
  symbol: string
  address: string
  decimals: number
}

/** A token's oracle price range, per smallest unit × 10^30 (a USD amount with 30 decimals per unit). */
export interface GmxTicker {
  min: bigint
  max: bigint
  /** Unix seconds of the price, when the API gives it. */
  timestamp: number | null
}

export interface GmxApiData {
  /** By lower-cased market token address. */
  markets: Map<string, GmxMarket>
  tokens: Map<string, GmxToken>
  tickers: Map<string, GmxTicker>
  raw: { markets: unknown; tokens: unknown; tickers: unknown }
}

export async function fetchGmxApi(baseUrl: string, options: { timeoutMs: number; signal: AbortSignal }): Promise<GmxApiData> {
  const opts = (what: string) => ({ venue: 'gmx-v2', timeoutMs: options.timeoutMs, signal: options.signal, what })
  const [rawMarkets, rawTokens, rawTickers] = await Promise.all([
    getJson(`${baseUrl}/markets`, opts('reading the market list from the GMX API')),
    getJson(`${baseUrl}/tokens`, opts('reading the token list from the GMX API')),
    getJson(`${baseUrl}/prices/tickers`, opts('reading the oracle prices from the GMX API')),
  ])
  const markets = parsePayload('gmx-v2', MarketsSchema, rawMarkets, 'market list')
  const tokens = parsePayload('gmx-v2', TokensSchema, rawTokens, 'token list')
  const tickers = parsePayload('gmx-v2', TickersSchema, rawTickers, 'ticker list')
  return {
    markets: new Map(markets.markets.map((m) => [m.marketToken.toLowerCase(), { name: m.name, marketToken: m.marketToken, indexToken: m.indexToken, longToken: m.longToken, shortToken: m.shortToken }])),
    tokens: new Map(tokens.tokens.map((t) => [t.address.toLowerCase(), { symbol: t.symbol, address: t.address, decimals: t.decimals }])),
    tickers: new Map(tickers.map((t) => [t.tokenAddress.toLowerCase(), { min: BigInt(t.minPrice), max: BigInt(t.maxPrice), timestamp: t.timestamp ?? null }])),
    raw: { markets: rawMarkets, tokens: rawTokens, tickers: rawTickers },
  }
}
