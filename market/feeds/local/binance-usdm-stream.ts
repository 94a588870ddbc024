// A local Binance USDⓈ-M futures market-data server: the WebSocket stream protocol (SUBSCRIBE/UNSUBSCRIBE on raw /ws
// streams, answered `{"result":null,"id":…}`) and the public REST endpoints ccxt reads beside it (exchangeInfo, the
// depth snapshot a diff stream starts from, premiumIndex, openInterest). Message formats:
// https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Live-Subscribing-Unsubscribing-to-streams
import { startReplayServer, type RecordedRequest, type ReplayServer } from '../../../core/replay/http-replay-server.js'
import { startStreamServer, type StreamServer } from './stream-server.js'

export interface BinanceUsdmRestAnswers {
  /** GET /fapi/v1/exchangeInfo: a body, or `{ file }` naming a file that holds one. */
  exchangeInfo: unknown
  /** GET /fapi/v1/depth?symbol=…, GET /fapi/v1/premiumIndex?symbol=…, GET /fapi/v1/openInterest?symbol=… */
  depth: (symbol: string) => unknown
  premiumIndex: (symbol: string) => unknown
  openInterest: (symbol: string) => unknown
}

export interface BinanceUsdmLocal {
  /** REST base (what the feed's `restUrl` takes). */
  restUrl: string
  /** WebSocket base ending in /ws (what the feed's `wsUrl` takes). */
  wsUrl: string
  rest: ReplayServer
  stream: StreamServer
  /** Sends a raw stream event (`btcusdt@markPrice@1s`, `btcusdt@depth@100ms`) to every subscribed connection. */
  push(stream: string, event: unknown): number
  /** Resolves once an open connection is subscribed to `stream`. */
  subscribed(stream: string): Promise<void>
  close(): Promise<void>
}

export async function startBinanceUsdmLocal(answers: BinanceUsdmRestAnswers): Promise<BinanceUsdmLocal> {
  const bySymbol = (answer: (symbol: string) => unknown) => (request: RecordedRequest) => answer(request.query.get('symbol') ?? '')
  const rest = await startReplayServer({
    routes: {
      'GET /fapi/v1/exchangeInfo': { body: answers.exchangeInfo },
      'GET /fapi/v1/depth': { body: bySymbol(answers.depth) },
      'GET /fapi/v1/premiumIndex': { body: bySymbol(answers.premiumIndex) },
      'GET /fapi/v1/openInterest': { body: bySymbol(answers.openInterest) },
    },
  })
  const stream = await startStreamServer({
    answer(connection, message) {
      const m = message as { method?: unknown; params?: unknown; id?: unknown }
      if ((m?.method !== 'SUBSCRIBE' && m?.method !== 'UNSUBSCRIBE') || !Array.isArray(m.params)) {
        // Binance's answer to a request it cannot parse (error code 2: "Invalid request").
        connection.send({ error: { code: 2, msg: 'Invalid request' }, id: m?.id ?? null })
        return
      }
      for (const name of m.params) {
        if (m.method === 'SUBSCRIBE') connection.subscriptions.add(String(name))
        else connection.subscriptions.delete(String(name))
      }
      connection.send({ result: null, id: m.id })
    },
  })
  return {
    restUrl: rest.url,
    wsUrl: `${stream.url}/ws`,
    rest,
    stream,
    push: (name, event) => stream.push(name, event),
    subscribed: (name) => stream.whenSubscribed(name),
    async close() {
      await stream.close()
      await rest.close()
    },
  }
}
