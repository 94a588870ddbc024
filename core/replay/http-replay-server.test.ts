// The replay server answers routes from objects, files and functions, injects faults per route or for all, and
// records what it was asked.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals'
import { startReplayServer, type RecordedRequest, type ReplayServer } from './http-replay-server.js'

describe('startReplayServer', () => {
  let server: ReplayServer
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'replay-'))
    const file = path.join(dir, 'info.json')
    writeFileSync(file, JSON.stringify({ symbols: ['BTCUSDT', 'ETHUSDT'] }))
    server = await startReplayServer({
      routes: {
        'GET /v1/info': { body: { file } },
        'GET /v1/object': { body: { a: 1 }, headers: { 'x-venue': 'replay' } },
        'POST /v1/order': { body: { accepted: true }, status: 201 },
        'GET /v1/echo': { body: (r: RecordedRequest) => ({ symbol: r.query.get('symbol') }) },
        'GET /v1/private': { body: { secret: 'data' }, guard: (r) => (r.headers['x-key'] ? null : { status: 401, body: { code: -2015 } }) },
        'GET /v1/broken': {
          body: () => {
            throw new Error('handler bug')
          },
        },
      },
    })
  })
  afterAll(async () => {
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })
  afterEach(() => {
    server.setFault('*', null)
    server.setFault('GET /v1/object', null)
    server.requests.length = 0
  })

  test('binds to 127.0.0.1 on a free port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  test('a route answers the JSON of the file it names', async () => {
    const res = await fetch(`${server.url}/v1/info`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ symbols: ['BTCUSDT', 'ETHUSDT'] })
  })

  test('a route answers an object body with its own status and headers', async () => {
    const res = await fetch(`${server.url}/v1/object`)
    expect(res.headers.get('x-venue')).toBe('replay')
    expect(await res.json()).toEqual({ a: 1 })
    const post = await fetch(`${server.url}/v1/order`, { method: 'POST', body: 'qty=1' })
    expect(post.status).toBe(201)
  })

  test('the method is part of the route key', async () => {
    const res = await fetch(`${server.url}/v1/order`)
    expect(res.status).toBe(404)
    expect(((await res.json()) as { msg: string }).msg).toContain('GET /v1/order')
  })

  test('a function body answers from the request', async () => {
    const res = await fetch(`${server.url}/v1/echo?symbol=ETHUSDT`)
    expect(await res.json()).toEqual({ symbol: 'ETHUSDT' })
  })

  test('a guard refuses a request with its status and body', async () => {
    const refused = await fetch(`${server.url}/v1/private`)
    expect(refused.status).toBe(401)
    expect(await refused.json()).toEqual({ code: -2015 })
    const allowed = await fetch(`${server.url}/v1/private`, { headers: { 'x-key': 'k' } })
    expect(await allowed.json()).toEqual({ secret: 'data' })
  })

  test('a body function that throws answers 500 rather than leaving the request open', async () => {
    const res = await fetch(`${server.url}/v1/broken`, { signal: AbortSignal.timeout(2_000) })
    expect(res.status).toBe(500)
  })

  test('requests are recorded with method, path, query and body', async () => {
    await fetch(`${server.url}/v1/echo?symbol=BTCUSDT&timestamp=1`)
    await fetch(`${server.url}/v1/order`, { method: 'POST', body: 'qty=1' })
    expect(server.requests.map((r) => [r.method, r.path, r.query.get('symbol'), r.body])).toEqual([
      ['GET', '/v1/echo', 'BTCUSDT', ''],
      ['POST', '/v1/order', null, 'qty=1'],
    ])
  })

  test('a per-route status fault answers that status and headers on that route only', async () => {
    server.setFault('GET /v1/object', { kind: 'status', status: 429, headers: { 'Retry-After': '3' }, body: { code: -1003 } })
    const faulted = await fetch(`${server.url}/v1/object`)
    expect(faulted.status).toBe(429)
    expect(faulted.headers.get('retry-after')).toBe('3')
    expect(await faulted.json()).toEqual({ code: -1003 })
    expect((await fetch(`${server.url}/v1/info`)).status).toBe(200)
  })

  test('a global fault applies to every route, and clearing it restores the answers', async () => {
    server.setFault('*', { kind: 'status', status: 500 })
    expect((await fetch(`${server.url}/v1/info`)).status).toBe(500)
    expect((await fetch(`${server.url}/v1/echo`)).status).toBe(500)
    server.setFault('*', null)
    expect((await fetch(`${server.url}/v1/info`)).status).toBe(200)
  })

  test('a per-route fault wins over the global one', async () => {
    server.setFault('*', { kind: 'status', status: 500 })
    server.setFault('GET /v1/object', { kind: 'status', status: 401 })
    expect((await fetch(`${server.url}/v1/object`)).status).toBe(401)
    expect((await fetch(`${server.url}/v1/info`)).status).toBe(500)
  })

  test('malformed JSON is answered with status 200 and a body JSON.parse refuses', async () => {
    server.setFault('*', { kind: 'malformed-json' })
    const res = await fetch(`${server.url}/v1/object`)
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(() => JSON.parse(text)).toThrow(SyntaxError)
  })

  test('truncated JSON is a prefix of the real answer', async () => {
    server.setFault('*', { kind: 'truncated-json' })
    const text = await (await fetch(`${server.url}/v1/info`)).text()
    const whole = JSON.stringify({ symbols: ['BTCUSDT', 'ETHUSDT'] })
    expect(whole.startsWith(text)).toBe(true)
    expect(text.length).toBeLessThan(whole.length)
    expect(() => JSON.parse(text)).toThrow(SyntaxError)
  })

  test('a delay fault answers normally, after the delay', async () => {
    server.setFault('*', { kind: 'delay', ms: 300 })
    const started = Date.now()
    const res = await fetch(`${server.url}/v1/object`)
    expect(await res.json()).toEqual({ a: 1 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
  })

  test('a hang never answers: the client times out, and the request is still recorded', async () => {
    server.setFault('*', { kind: 'hang' })
    const started = Date.now()
    const error = await fetch(`${server.url}/v1/object`, { signal: AbortSignal.timeout(300) }).then(
      () => null,
      (e: unknown) => e as Error,
    )
    expect(error?.name).toBe('TimeoutError')
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/object'])
  })

  test("an idle connection stays open past Node's default (closed after 5 to 6 s), so a client reusing it after a pause is answered", async () => {
    const { hostname, port } = new URL(server.url)
    const socket = net.connect(Number(port), hostname)
    let closedByServer = false
    socket.on('end', () => (closedByServer = true))
    const ask = () =>
      new Promise<string>((resolve) => {
        socket.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8')))
        socket.write(`GET /v1/object HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`)
      })
    try {
      expect(await ask()).toMatch(/^HTTP\/1\.1 200 /)
      await new Promise((r) => setTimeout(r, 8_000))
      expect(closedByServer).toBe(false)
      expect(await ask()).toMatch(/^HTTP\/1\.1 200 /)
    } finally {
      socket.destroy()
    }
  })

  test('close ends hanging requests and frees the port', async () => {
    const local = await startReplayServer({ routes: { 'GET /x': { body: {} } } })
    local.setFault('*', { kind: 'hang' })
    const pending = fetch(`${local.url}/x`).then(
      () => 'answered',
      () => 'dropped',
    )
    await new Promise((r) => setTimeout(r, 50))
    await local.close()
    expect(await pending).toBe('dropped')
    const after = await fetch(`${local.url}/x`, { signal: AbortSignal.timeout(1_000) }).then(
      () => 'answered',
      () => 'refused',
    )
    expect(after).toBe('refused')
  })
})
