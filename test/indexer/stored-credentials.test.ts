// Credentials given to addAccount are stored encrypted, never returned, and used by the indexer to sign requests.
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { useTestApi } from '../support/api.js'
import { decryptCredentials, encryptCredentials } from '../../core/credentials.js'
import { silentLogger } from '../../core/logger.js'
import { Indexer } from '../../indexer/indexer.js'
import { venueConnectors } from '../../venues/index.js'
import { startBinanceReplay } from '../../venues/binance/local/replay.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'

const demoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'venues', 'binance', 'local', 'demo-account')
const key = randomBytes(32)
const API_KEY = 'stored-api-key-0c4f19'
const API_SECRET = 'stored-api-secret-e2d7aa'

describe('stored credentials', () => {
  const t = useTestApi('pglite', { venues: venueConnectors, sealCredentials: (plain) => encryptCredentials(plain, key) })
  const withoutKey = useTestApi('pglite', { venues: venueConnectors })
  let binance: ReplayServer
  beforeAll(async () => {
    binance = await startBinanceReplay({ fixtures: demoDir })
  })
  afterAll(async () => binance?.close())

  const ADD = `mutation ($input: AddAccountInput!) { addAccount(input: $input) { id hasStoredCredentials } }`
  const input = (portfolioId: string) => ({ portfolioId, venue: 'binance', label: 'keyed', config: { market: 'usdm', apiKeyEnv: 'MY_KEY', secretEnv: 'MY_SECRET' }, credentials: { MY_KEY: API_KEY, MY_SECRET: API_SECRET } })

  test('are encrypted at rest and only their presence is returned', async () => {
    const portfolio = await t.db.prisma.portfolio.create({ data: { name: 'Keyed' } })
    const res = await t.api.query<{ addAccount: { id: string; hasStoredCredentials: boolean } }>(ADD, { input: input(portfolio.id) })
    expect(res.errors).toBeUndefined()
    expect(res.data!.addAccount.hasStoredCredentials).toBe(true)
    const row = await t.db.prisma.account.findUniqueOrThrow({ where: { id: res.data!.addAccount.id } })
    expect(row.credentials).not.toContain(API_KEY)
    expect(row.credentials).not.toContain(API_SECRET)
    expect(decryptCredentials(row.credentials!, key)).toEqual({ MY_KEY: API_KEY, MY_SECRET: API_SECRET })
    expect(JSON.stringify(res)).not.toContain(API_SECRET)
  })

  test('sign the indexer’s requests to the venue', async () => {
    const account = await t.db.prisma.account.findFirstOrThrow({ where: { label: 'keyed' } })
    const indexer = new Indexer({
      prisma: t.db.prisma,
      venues: venueConnectors,
      clientEnv: { secret: () => undefined, timeoutMs: 3_000, urlOverrides: { binance: binance.url }, logger: silentLogger() },
      logger: silentLogger(),
      timeoutMs: 5_000,
      intervalMs: 60_000,
      concurrencyPerVenue: 1,
      openCredentials: (sealed) => decryptCredentials(sealed, key),
    })
    const [outcome] = await indexer.runOnce([account.id])
    await indexer.stop()
    expect(outcome!.status).toBe('ok')
    expect(binance.requests.find((r) => r.path === '/fapi/v2/account')!.headers['x-mbx-apikey']).toBe(API_KEY)
  })

  test('are refused, naming the field, by a server without CROSSMARGIN_SECRET_KEY; nothing is stored', async () => {
    const portfolio = await withoutKey.db.prisma.portfolio.create({ data: { name: 'No key' } })
    const res = await withoutKey.api.query(ADD, { input: input(portfolio.id) })
    expect(res.errors?.[0]?.extensions?.field).toBe('input.credentials')
    expect(await withoutKey.db.prisma.account.count()).toBe(0)
  })
})
