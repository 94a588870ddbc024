// A local WebSocket server to speak a venue's stream protocol to our feeds in tests and the demo: it keeps each
// connection's subscriptions, lets the caller push events to the subscribed, drop every connection as a network
// failure would, or refuse the next connections. Binds 127.0.0.1 only.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'

export interface StreamConnection {
  /** The request path the client connected to (ccxt puts a stream category and index there). */
  path: string
  /** What this connection subscribed to, in the venue's own names. */
  subscriptions: Set<string>
  send(payload: unknown): void
}

export interface StreamServerProtocol {
  /** Sent once a client connects (some venues greet). */
  greet?(connection: StreamConnection): void
  /** Answers one parsed client message; subscriptions are the protocol's to keep. */
  answer(connection: StreamConnection, message: unknown): void
}

export interface StreamServer {
  /** ws://127.0.0.1:<port> */
  url: string
  /** Every message clients sent, parsed, in order. */
  received: { path: string; message: unknown }[]
  /** Open connections. */
  connections(): StreamConnection[]
  /** Sends to every open connection that subscribed to `subscription`; returns how many got it. */
  push(subscription: string, payload: unknown): number
  /** Resolves once an open connection holds `subscription` (at once if one does already). */
  whenSubscribed(subscription: string): Promise<void>
  /** Resolves with the next client message, from now on, that `match` accepts. */
  whenReceived(match: (message: unknown) => boolean): Promise<unknown>
  /** Cuts every connection without a closing handshake, as a network failure does. */
  dropConnections(): void
  /** Answers the next `count` connection attempts with HTTP 503 instead of upgrading. */
  refuseConnections(count: number): void
  close(): Promise<void>
}

export async function startStreamServer(protocol: StreamServerProtocol): Promise<StreamServer> {
  const server = http.createServer((_req, res) => res.writeHead(426).end())
  const wss = new WebSocketServer({ noServer: true })
  const sockets = new Map<WebSocket, StreamConnection>()
  const received: { path: string; message: unknown }[] = []
  const waiters: { subscription: string; resolve: () => void }[] = []
  const messageWaiters: { match: (message: unknown) => boolean; resolve: (message: unknown) => void }[] = []
  const subscribedNow = (subscription: string) => [...sockets.values()].some((c) => c.subscriptions.has(subscription))
  let refusals = 0

  server.on('upgrade', (req, socket, head) => {
    if (refusals > 0) {
      refusals -= 1
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection: StreamConnection = { path: new URL(req.url ?? '/', 'http://127.0.0.1').pathname, subscriptions: new Set(), send: (payload) => ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload)) }
      sockets.set(ws, connection)
      ws.on('close', () => sockets.delete(ws))
      ws.on('error', () => sockets.delete(ws))
      ws.on('message', (data) => {
        let message: unknown
        try {
          message = JSON.parse(asText(data))
        } catch {
          message = asText(data)
        }
        received.push({ path: connection.path, message })
        protocol.answer(connection, message)
        for (const waiter of waiters.filter((w) => connection.subscriptions.has(w.subscription))) {
          waiters.splice(waiters.indexOf(waiter), 1)
          waiter.resolve()
        }
        for (const waiter of messageWaiters.filter((w) => w.match(message))) {
          messageWaiters.splice(messageWaiters.indexOf(waiter), 1)
          waiter.resolve(message)
        }
      })
      protocol.greet?.(connection)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo

  return {
    url: `ws://127.0.0.1:${port}`,
    received,
    connections: () => [...sockets.values()],
    push(subscription, payload) {
      let sent = 0
      for (const connection of sockets.values()) {
        if (!connection.subscriptions.has(subscription)) continue
        connection.send(payload)
        sent += 1
      }
      return sent
    },
    whenSubscribed(subscription) {
      if (subscribedNow(subscription)) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ subscription, resolve }))
    },
    whenReceived(match) {
      return new Promise((resolve) => messageWaiters.push({ match, resolve }))
    },
    dropConnections() {
      for (const ws of sockets.keys()) ws.terminate()
      sockets.clear()
    },
    refuseConnections(count) {
      refusals = count
    },
    async close() {
      for (const ws of sockets.keys()) ws.terminate()
      wss.close()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

/** A WebSocket message's text, whichever form `ws` hands it in (a Buffer, an ArrayBuffer or fragments). */
function asText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString()
  return data instanceof ArrayBuffer ? Buffer.from(data).toString() : data.toString()
}
