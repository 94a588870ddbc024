// A local HTTP server that answers like a venue from recorded or documented responses, for tests and the demo.
// Routes are `METHOD /path`; faults (an HTTP status with headers, malformed JSON, a hang) can be switched on per
// route or for all routes. Binds 127.0.0.1 only and records every request for assertions.
import http from 'node:http'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'

/** A JSON value, or a function of the request that answers one (`unknown` already admits the function). */
export type ReplayBody = unknown

export interface ReplayRoute {
  /** A JSON value, a function of the request, or `{ file }` naming a JSON file read at start. */
  body: ReplayBody
  status?: number
  headers?: Record<string, string>
  /** Refuses a request (e.g. a missing API key) with this status and body instead of answering it. */
  guard?: (request: RecordedRequest) => { status: number; body: unknown } | null
}

export type ReplayFault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'malformed-json' }
  | { kind: 'truncated-json' }
  | { kind: 'hang' }
  | { kind: 'delay'; ms: number }

export interface RecordedRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: http.IncomingHttpHeaders
  body: string
}

export interface ReplayServer {
  url: string
  requests: RecordedRequest[]
  /** `routeKey` is `METHOD /path`, or '*' for every route. */
  setFault(routeKey: string, fault: ReplayFault | null): void
  close(): Promise<void>
}

function isFileBody(body: unknown): body is { file: string } {
  return typeof body === 'object' && body !== null && 'file' in body && typeof body.file === 'string' && Object.keys(body).length === 1
}

export async function startReplayServer(options: { routes: Record<string, ReplayRoute>; port?: number }): Promise<ReplayServer> {
  const routes = new Map<string, ReplayRoute>()
  for (const [key, route] of Object.entries(options.routes)) {
    const body: unknown = isFileBody(route.body) ? JSON.parse(readFileSync(route.body.file, 'utf8')) : route.body
    routes.set(key, { ...route, body })
  }
  const faults = new Map<string, ReplayFault>()
  const requests: RecordedRequest[] = []
  const hanging = new Set<http.ServerResponse>()

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      // A bug in a route (a body function that throws) answers 500 instead of leaving the client hanging.
      answer(req, Buffer.concat(chunks).toString('utf8'), res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ code: -1, msg: `replay server error: ${error instanceof Error ? error.message : String(error)}` }))
      })
    })
  })

  async function answer(req: http.IncomingMessage, body: string, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const key = `${req.method} ${url.pathname}`
    const request: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body }
    requests.push(request)
    const fault = faults.get(key) ?? faults.get('*')
    if (fault?.kind === 'hang') {
      hanging.add(res)
      res.on('close', () => hanging.delete(res))
      return
    }
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms))
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers })
      res.end(JSON.stringify(fault.body ?? { code: fault.status, msg: 'replayed fault' }))
      return
    }
    const route = routes.get(key)
    if (!route) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: -1, msg: `no replayed response for ${key}` }))
      return
    }
    const refusal = route.guard?.(request)
    if (refusal) {
      res.writeHead(refusal.status, { 'content-type': 'application/json' }).end(JSON.stringify(refusal.body))
      return
    }
    if (fault?.kind === 'malformed-json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"this is": not json')
      return
    }
    const payload = JSON.stringify(typeof route.body === 'function' ? (route.body as (r: RecordedRequest) => unknown)(request) : route.body)
    if (fault?.kind === 'truncated-json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(payload.slice(0, Math.max(1, Math.floor(payload.length / 2))))
      return
    }
    res.writeHead(route.status ?? 200, { 'content-type': 'application/json', ...route.headers }).end(payload)
  }
  // Idle connections are closed by the client only. With Node's default (the server drops a connection idle for 5 s)
  // the two sides race: fetch reuses a connection for up to about 4 s idle, and when a loaded machine let a test sit
  // that long between requests, a request went out on a connection the server was just closing (ECONNRESET, "venue
  // unreachable"). A fault the test did not ask for is not the venue's; `setFault` is the way to get one.
  server.keepAliveTimeout = 0
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setFault(routeKey, fault) {
      if (fault) faults.set(routeKey, fault)
      else faults.delete(routeKey)
      if (!fault || fault.kind !== 'hang') for (const res of hanging) res.destroy()
    },
    async close() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
