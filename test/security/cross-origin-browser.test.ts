// A page on another origin (another local port) cannot drive a local install through the user's browser: in real
// headless Chromium it can neither read a portfolio, nor create an admin key (JSON or "simple" form POST), nor open a
// subscription; an origin the operator lists can read.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { type Browser } from 'playwright-core'
import { launchChromium } from '../support/browser.js'
import { createTestDatabase, type TestDatabase } from '../support/databases.js'
import { startTestApi, type TestApi } from '../support/api.js'


/** What the hostile page tries, each outcome written to window.__results. */
const attackScript = (apiUrl: string) => `
  const api = ${JSON.stringify(apiUrl)}
  const results = {}
  const attempt = async (name, run) => { try { results[name] = await run() } catch (e) { results[name] = 'failed: ' + e.name } }
  ;(async () => {
    await attempt('read', async () => (await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ portfolios { name } }' }) })).text())
    await attempt('createKeyJson', async () => (await fetch(api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'mutation { createApiKey(input: { name: "evil", admin: true, portfolioIds: [] }) { key } }' }) })).status)
    // A "simple" request: no preflight, the browser sends it whatever CORS says; only the server can refuse to act.
    await attempt('createKeySimple', async () => (await fetch(api, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: 'mutation { createApiKey(input: { name: "evil2", admin: true, portfolioIds: [] }) { key } }' }) })).type)
    await attempt('subscribe', () => new Promise((resolve) => {
      const ws = new WebSocket(api.replace('http', 'ws'), 'graphql-transport-ws')
      ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init' }))
      ws.onmessage = (m) => resolve('message: ' + m.data)
      ws.onerror = () => resolve('failed: error')
      ws.onclose = (c) => resolve('closed: ' + c.code)
    }))
    window.__results = results
  })()
`

describe('a page on another origin', () => {
  let db: TestDatabase
  let api: TestApi
  let listed: TestApi
  let hostile: http.Server
  let hostileOrigin = ''
  let browser: Browser
  beforeAll(async () => {
    db = await createTestDatabase('pglite')
    await db.prisma.portfolio.create({ data: { name: 'Private fund' } })
    // A local install as it ships: no key required.
    api = await startTestApi(db)
    hostile = http.createServer((req, res) => {
      const target = new URL(req.url ?? '/', 'http://x').searchParams.get('api') ?? api.server.url
      res.setHeader('content-type', 'text/html')
      res.end(`<!doctype html><script>${attackScript(target)}</script>`)
    })
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve))
    hostileOrigin = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`
    listed = await startTestApi(db, { allowedOrigins: [hostileOrigin] })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await listed?.close()
    await api?.close()
    await new Promise((resolve) => hostile?.close(resolve))
    await db?.destroy()
  })

  async function attack(apiUrl: string): Promise<Record<string, string>> {
    const page = await browser.newPage()
    await page.goto(`${hostileOrigin}/?api=${encodeURIComponent(apiUrl)}`)
    await page.waitForFunction(() => (window as unknown as { __results?: unknown }).__results !== undefined, undefined, { timeout: 20_000 })
    const results = await page.evaluate(() => (window as unknown as { __results: Record<string, string> }).__results)
    await page.close()
    return results
  }

  test('can read nothing, create no key and open no subscription', async () => {
    const results = await attack(api.server.url)
    expect(results.read).toMatch(/^failed/)
    expect(results.createKeyJson).toMatch(/^failed/)
    expect(results.subscribe).toMatch(/^(failed|closed)/)
    // The simple POST went out (the browser does not ask), so the proof is in the database: no key was created.
    expect(await db.prisma.apiKey.count()).toBe(0)
  })

  test('an origin the operator lists can read', async () => {
    const results = await attack(listed.server.url)
    expect(JSON.parse(results.read!)).toEqual({ data: { portfolios: [{ name: 'Private fund' }] } })
  })
})
