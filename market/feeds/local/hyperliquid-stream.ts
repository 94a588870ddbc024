// A local Hyperliquid WebSocket server: `{"method":"subscribe","subscription":{…}}` answered with a
// `subscriptionResponse`, `{"method":"ping"}` with `{"channel":"pong"}`, and the greeting the real server sends first.
// Formats: https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/websocket (Subscriptions; Timeouts and
// heartbeats), and hyperliquid-dex/hyperliquid-python-sdk `websocket_manager.py`, which expects the greeting.
import { startStreamServer, type StreamServer } from './stream-server.js'

export interface HyperliquidLocal {
  /** ws://127.0.0.1:<port>/ws */
  wsUrl: string
  stream: StreamServer
  /** Sends `{channel, data}` to every connection subscribed to `subscription` (`allMids`, `l2Book:BTC`, `activeAssetCtx:BTC`). */
  push(subscription: string, channel: string, data: unknown): number
  /** Resolves once an open connection holds the subscription. */
  subscribed(subscription: string): Promise<void>
  /** While true, pings go unanswered (a half-dead connection). */
  mutePongs(muted: boolean): void
  close(): Promise<void>
}

/** The key a subscription is held under: its type, and its coin when it has one. */
export function subscriptionKey(subscription: { type?: unknown; coin?: unknown }): string {
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value))
  return subscription.coin === undefined ? text(subscription.type) : `${text(subscription.type)}:${text(subscription.coin)}`
}

export async function startHyperliquidLocal(): Promise<HyperliquidLocal> {
  let muted = false
  const stream = await startStreamServer({
    greet: (connection) => connection.send('Websocket connection established.'),
    answer(connection, message) {
      const m = message as { method?: unknown; subscription?: { type?: unknown; coin?: unknown } }
      if (m?.method === 'ping') {
        if (!muted) connection.send({ channel: 'pong' })
        return
      }
      if ((m?.method !== 'subscribe' && m?.method !== 'unsubscribe') || typeof m.subscription?.type !== 'string') {
        connection.send({ channel: 'error', data: `Error parsing JSON into valid websocket request: ${JSON.stringify(message)}` })
        return
      }
      const key = subscriptionKey(m.subscription)
      if (m.method === 'subscribe') connection.subscriptions.add(key)
      else connection.subscriptions.delete(key)
      connection.send({ channel: 'subscriptionResponse', data: { method: m.method, subscription: m.subscription } })
    },
  })
  return {
    wsUrl: `${stream.url}/ws`,
    stream,
    push: (subscription, channel, data) => stream.push(subscription, { channel, data }),
    subscribed: (subscription) => stream.whenSubscribed(subscription),
    mutePongs: (value) => void (muted = value),
    close: () => stream.close(),
  }
}
