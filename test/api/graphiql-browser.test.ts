// GraphiQL in a real headless Chromium with every non-local request blocked: it renders, runs a query against
// this server and shows the answer. Proves the playground works with no internet.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { poll } from '../support/poll.js'
import { type Browser } from 'playwright-core'
import { launchChromium } from '../support/browser.js'
import { createTestDatabase, type TestDatabase } from '../support/databases.js'
import { startTestApi, type TestApi } from '../support/api.js'


describe('GraphiQL in a browser with no network', () => {
  let db: TestDatabase
  let api: TestApi
  let browser: Browser
  beforeAll(async () => {
    db = await createTestDatabase('pglite')
    await db.prisma.portfolio.create({ data: { name: 'Browser Fund' } })
    api = await startTestApi(db)
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await api?.close()
    await db?.destroy()
  })

  test('renders, runs a query and shows the answer, with every external request blocked', async () => {
    const page = await browser.newPage()
    const external: string[] = []
    const origin = new URL(api.server.url).origin
    await page.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue()
      external.push(url)
      return route.abort()
    })
    const pageErrors: string[] = []
    page.on('pageerror', (error) => pageErrors.push(error.message))
    // GraphiQL takes the editor's query from the URL; run it with the page's own execute button.
    await page.goto(`${api.server.url}?query=${encodeURIComponent('{ portfolios { name } }')}`, { waitUntil: 'load' })
    await page.waitForSelector('.graphiql-container', { timeout: 30_000 })
    await page.waitForSelector('.graphiql-execute-button', { timeout: 30_000 })
    await page.click('.graphiql-execute-button')
    // Monaco renders spaces as no-break spaces.
    const responseText = async () => (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ')
    await poll(responseText, { timeout: 30_000 }).toContain('"name": "Browser Fund"')
    expect(external).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
