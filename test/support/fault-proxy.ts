// An HTTP proxy in front of a real local server (anvil, a replay server) that can be told to misbehave: answer
// 500, send malformed or truncated JSON, rate-limit with Retry-After, or hang. Used to test how connectors meet a broken venue.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export type ProxyFault = 'http-500' | 'malformed-json' | 'truncated-json' | 'rate-limited' | 'hang' | null

/** Seconds the proxy's `rate-limited` fault asks the client to wait. */
const RETRY_AFTER_SECONDS = 7

export interface FaultProxy {
  url: string
  setFault(fault: ProxyFault): void
  close(): Promise<void>
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  let fault: ProxyFault = null
  const hanging = new Set<http.ServerResponse>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => void respond().catch(() => res.writeHead(502).end()))
    async function respond() {
      if (fault === 'hang') {
        hanging.add(res)
        res.on('close', () => hanging.delete(res))
        return
      }
      if (fault === 'http-500') {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error')
        return
      }
      if (fault === 'malformed-json') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","result":')
        return
      }
      if (fault === 'rate-limited') {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(RETRY_AFTER_SECONDS) }).end('{"error":"rate limited"}')
        return
      }
      try {
        const upstream = await fetch(new URL(req.url ?? '/', target), {
          method: req.method,
          headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
        })
        const body = Buffer.from(await upstream.arrayBuffer())
        res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' })
        // Truncated: the real answer cut in half, as when a connection drops mid-body.
        res.end(fault === 'truncated-json' ? body.subarray(0, Math.max(1, Math.floor(body.length / 2))) : body)
      } catch {
        res.writeHead(502).end()
      }
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    setFault(next) {
      fault = next
      if (next !== 'hang') for (const res of hanging) res.destroy()
    },
    async close() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
