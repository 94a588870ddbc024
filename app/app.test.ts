// The composition root's safe defaults: a start reachable from other machines without API keys is refused unless the
// operator says so, and then it runs.
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, test } from '@jest/globals'
import { validateConfig } from '../core/config.js'
import { silentLogger } from '../core/logger.js'
import { venueConnectors } from '../venues/index.js'
import { startApp } from './app.js'

function configFor(server: Record<string, unknown>, dataDir: string) {
  return validateConfig({ server, dataDir, portfolios: [], marketData: { dailyHistory: null } }, 'test.yaml', venueConnectors)
}

describe('listening beyond this machine', () => {
  test('without requireApiKey is refused before anything opens, naming the setting and the way out', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'crossmargin-app-'))
    try {
      const start = startApp({ config: configFor({ host: '0.0.0.0', port: 0 }, dataDir), configSource: 'test.yaml', venues: venueConnectors, logger: silentLogger(), env: {} })
      await expect(start).rejects.toThrow(/test\.yaml: server\.requireApiKey: .*0\.0\.0\.0.*--insecure-no-auth/)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  test('with --insecure-no-auth (server.insecureNoAuth) it starts and answers without a key', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'crossmargin-app-'))
    const app = await startApp({ config: configFor({ host: '0.0.0.0', port: 0, insecureNoAuth: true }, dataDir), venues: venueConnectors, logger: silentLogger(), env: {}, indexer: false })
    try {
      const response = await fetch(app.api.url.replace('localhost', '127.0.0.1'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ portfolios { id } }' }) })
      expect(await response.json()).toEqual({ data: { portfolios: [] } })
    } finally {
      await app.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
