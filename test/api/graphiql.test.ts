// The playground is served by crossmargin itself: a browser GET on /graphql gets GraphiQL with nothing to fetch
// from the internet, and a POST still answers queries.
import { describe, expect, test } from '@jest/globals'
import { useTestApi } from '../support/api.js'

const CDN_HOSTS = /unpkg\.com|jsdelivr|esm\.sh|cdnjs|googleapis|apollographql\.com|embeddable-sandbox/

describe('GraphiQL playground', () => {
  const t = useTestApi()

  test('a browser GET on /graphql receives GraphiQL HTML with no external URL in it', async () => {
    const response = await fetch(t.api.server.url, { headers: { accept: 'text/html,application/xhtml+xml' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/text\/html/)
    const html = await response.text()
    expect(html).toContain('<div id="root"></div>')
    expect(html).not.toMatch(/https?:\/\//)
    expect(html).not.toMatch(/(src|href)=["']\/\//)
  })

  test('every script the page names is served locally and names no CDN', async () => {
    const html = await (await fetch(t.api.server.url, { headers: { accept: 'text/html' } })).text()
    const scripts = [...html.matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1]!)
    expect(scripts.length).toBeGreaterThan(0)
    let bodies = ''
    for (const src of scripts) {
      expect(src.startsWith('/graphiql/')).toBe(true)
      const response = await fetch(new URL(src, t.api.server.url))
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/javascript/)
      const body = await response.text()
      expect(body).not.toMatch(CDN_HOSTS)
      bodies += body
    }
    // The page's own bootstrap (pointing GraphiQL at this server's endpoint) is among the local scripts.
    expect(bodies).toContain('renderYogaGraphiQL')
    expect(bodies).toContain('"endpoint":"/graphql"')
  })

  test('a POST on the same path runs queries', async () => {
    const res = await t.api.query('{ portfolios { id } }')
    expect(res).toEqual({ data: { portfolios: [] } })
  })
})
