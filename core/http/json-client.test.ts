import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { startReplayServer, type RecordedRequest, type ReplayServer } from '../replay/http-replay-server.js'
import { getJson, postJson } from './json-client.js'

describe('JSON over HTTP for venues', () => {
  let server: ReplayServer
  beforeAll(async () => {
    server = await startReplayServer({ routes: { 'GET /ok': { body: { ok: true } }, 'POST /echo': { body: (r: RecordedRequest) => JSON.parse(r.body) as unknown } } })
  })
  afterAll(async () => server?.close())
  const opts = { venue: 'example', timeoutMs: 1_000, what: 'testing' }

  test('answers parse as JSON', async () => {
    expect(await getJson(`${server.url}/ok`, opts)).toEqual({ ok: true })
    expect(await postJson(`${server.url}/echo`, { a: 1 }, opts)).toEqual({ a: 1 })
  })

  test('429 with Retry-After is retryable and carries the wait; 4xx is a rejection naming the call', async () => {
    server.setFault('GET /ok', { kind: 'status', status: 429, headers: { 'Retry-After': '3' } })
    await expect(getJson(`${server.url}/ok`, opts)).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE', retryAfterMs: 3000 })
    server.setFault('GET /ok', { kind: 'status', status: 400 })
    await expect(getJson(`${server.url}/ok`, opts)).rejects.toMatchObject({ code: 'VENUE_REJECTED', message: expect.stringContaining('HTTP 400 while testing') })
    server.setFault('GET /ok', { kind: 'truncated-json' })
    await expect(getJson(`${server.url}/ok`, opts)).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE', message: expect.stringContaining('malformed JSON') })
    server.setFault('GET /ok', null)
  })
})
