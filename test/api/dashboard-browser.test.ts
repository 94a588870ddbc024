// The dashboard in a real headless Chromium with every non-local request blocked: it draws a stored portfolio from
// the API (accounts, a margin call, venue margins, net exposure, unified margin and the nearest liquidation), shows
// names as text, and asks for an API key where the server requires one.
import path from 'node:path'
import { readdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { poll } from '../support/poll.js'
import { type Browser, type Page } from 'playwright-core'
import { launchChromium } from '../support/browser.js'
import { createTestDatabase, type TestDatabase } from '../support/databases.js'
import { startTestApi, type TestApi } from '../support/api.js'
import { sharedDataPath } from '../support/shared-data.js'
import { readCandlesCsv } from '../../market/price-csv.js'
import { storeCandles } from '../../market/candle-store.js'
import { writeSnapshot } from '../../indexer/snapshot-writer.js'
import { lendingSnapshot, perpSnapshot } from '../support/snapshots.js'
import { generateApiKey } from '../../api/access.js'

const HOSTILE = '<img src=x onerror="window.__injected=1">Fund'

describe('the dashboard in a browser with no network', () => {
  let db: TestDatabase
  let api: TestApi
  let browser: Browser
  let portfolioId = ''
  beforeAll(async () => {
    db = await createTestDatabase('pglite')
    const dir = sharedDataPath('prices')
    for (const file of readdirSync(dir).filter((f) => f.endsWith('-1d.csv'))) await storeCandles(db.prisma, file.split('-')[0]!, 'binance-spot', readCandlesCsv(path.join(dir, file)))
    const portfolio = await db.prisma.portfolio.create({ data: { name: HOSTILE } })
    portfolioId = portfolio.id
    const aave = await db.prisma.account.create({ data: { portfolioId, venue: 'aave-v3', label: 'aave main', config: {} } })
    const binance = await db.prisma.account.create({ data: { portfolioId, venue: 'binance', label: 'binance perps', config: {} } })
    await writeSnapshot(db.prisma, aave, lendingSnapshot(new Date('2025-12-31T00:00:00Z'), '2', '3000', '2970'), 1)
    await writeSnapshot(db.prisma, binance, perpSnapshot(new Date('2025-12-31T00:00:00Z'), '-1.5', '2970'), 1)
    await db.prisma.marginCall.create({ data: { portfolioId, accountId: aave.id, level: 'call', metric: 'healthFactor', threshold: '1.1', value: '1.0725', reason: 'healthFactor 1.0725 past the call line 1.1' } })
    api = await startTestApi(db, { now: () => new Date('2025-12-31T12:00:00Z') })
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await api?.close()
    await db?.destroy()
  })

  async function open(url: string): Promise<{ page: Page; external: string[]; pageErrors: string[] }> {
    const page = await browser.newPage()
    const external: string[] = []
    const origin = new URL(url).origin
    await page.route('**/*', (route) => {
      const requested = route.request().url()
      if (requested.startsWith(origin) || requested.startsWith('data:')) return route.continue()
      external.push(requested)
      return route.abort()
    })
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await page.goto(url, { waitUntil: 'load' })
    return { page, external, pageErrors }
  }

  test('draws the stored portfolio from the API, the same figures the API gives', async () => {
    const root = api.server.url.replace(/\/graphql$/, '/')
    const { page, external, pageErrors } = await open(root)
    await poll(() => page.locator('#unified-im').count(), { timeout: 30_000 }).toBe(1)
    const res = await api.query<{ portfolio: { unifiedMargin: { initialMargin: string } } }>(`query ($id: ID!) { portfolio(id: $id) { unifiedMargin { initialMargin } } }`, { id: portfolioId })
    const expected = Number(res.data!.portfolio.unifiedMargin.initialMargin).toLocaleString('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 })
    expect(await page.locator('#unified-im').innerText()).toBe(expected)
    const text = await page.locator('main').innerText()
    expect(text).toContain('aave main')
    expect(text).toContain('binance perps')
    // The margin call, and the net ETH: 2 on Aave, −1.5 on Binance.
    expect(text).toMatch(/CALL\s+aave-v3 · aave main\s+healthFactor\s+1\.0725\s+1\.1/)
    expect(text).toMatch(/ETH\s+0\.5\s/)
    // Aave's ETH liquidation: 3000 / (2 · 0.83) = 1,807.
    expect(text).toMatch(/aave-v3 · aave main\s+ETH\s+\$1,807/)
    // The hostile name is shown as text in the picker; no markup from it ran.
    expect(await page.locator('#portfolio option').first().innerText()).toBe(HOSTILE)
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined()
    expect(external).toEqual([])
    expect(pageErrors).toEqual([])
    // DASHBOARD_SCREENSHOT=/tmp/dashboard.png keeps a picture of the page, for looking at it while changing it.
    if (process.env.DASHBOARD_SCREENSHOT) await page.setViewportSize({ width: 1400, height: 900 }).then(() => page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT!, fullPage: true }))
  })

  test('where the server requires a key, the page says so and works once one is given', async () => {
    const guarded = await startTestApi(db, { requireApiKey: true, now: () => new Date('2025-12-31T12:00:00Z') })
    try {
      const { secret: key, hash } = generateApiKey()
      await db.prisma.apiKey.create({ data: { name: 'dashboard', hash, portfolioIds: [portfolioId] } })
      const { page, pageErrors } = await open(guarded.server.url.replace(/\/graphql$/, '/dashboard'))
      await poll(() => page.locator('#status').innerText(), { timeout: 30_000 }).toMatch(/key/i)
      await page.fill('#key', key)
      await page.click('#key-form button')
      await poll(() => page.locator('#unified-im').count(), { timeout: 30_000 }).toBe(1)
      expect(pageErrors).toEqual([])
    } finally {
      await guarded.close()
    }
  })
})
