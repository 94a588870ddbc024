// The live check before an account is stored, through the real API and the real start path: a venue that says the
// subaccount does not exist stops the add (naming the field, storing nothing), a key that can trade is stored with a
// warning, and a venue that cannot be reached does not block the add but says it was not checked.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { z } from 'zod'
import { createTestDatabase, type TestDatabase } from '../support/databases.js'
import { startTestApi, type TestApi } from '../support/api.js'
import { startReplayServer, type RecordedRequest, type ReplayServer } from '../../core/replay/http-replay-server.js'
import { getJson } from '../../core/http/json-client.js'
import { InvalidInput, Unauthorized, VenueRejected } from '../../core/errors.js'
import { silentLogger } from '../../core/logger.js'
import { validateConfig } from '../../core/config.js'
import { startApp } from '../../app/app.js'
import { verifyAccount, type AccountVerifierDeps } from '../../indexer/verify-account.js'
import type { AnyVenueConnector, ClientEnvironment } from '../../venues/types.js'

// A venue with an account endpoint like dYdX's indexer (404 for a subaccount it does not know) and a key endpoint
// like Binance's apiRestrictions. It does real HTTP to a local server; only the wiring around it is under test.
const Config = z.strictObject({ subaccount: z.number().int().min(0), apiKeyEnv: z.string().optional() })
type Config = z.infer<typeof Config>
interface Client {
  baseUrl: string
  apiKey: string | undefined
  timeoutMs: number
}

const exampleExchange: AnyVenueConnector = {
  descriptor: {
    id: 'example-exchange',
    displayName: 'Example exchange',
    kind: 'cex',
    supports: { positions: true, lending: false, options: false, venueReportsMargin: true },
    configSchema: Config,
    rateBudget: { requestsPerSecond: 10, weightPerMinute: null },
    docs: [],
  },
  createClient: (config: Config, env: ClientEnvironment): Client => ({
    baseUrl: env.urlOverrides!['example-exchange']!,
    apiKey: config.apiKeyEnv ? env.secret(config.apiKeyEnv) : undefined,
    timeoutMs: env.timeoutMs,
  }),
  fetchAccount: () => Promise.reject(new Error('never fetched here')),
  async verifyAccount(client: Client, config: Config, ctx) {
    const options = { venue: 'example-exchange', timeoutMs: client.timeoutMs, signal: ctx.signal, what: 'checking the account' }
    try {
      await getJson(`${client.baseUrl}/subaccounts/${config.subaccount}`, options)
    } catch (error) {
      if (error instanceof VenueRejected && error.message.includes('HTTP 404')) throw new InvalidInput('subaccount', `subaccount ${config.subaccount} does not exist`)
      throw error
    }
    if (!client.apiKey) return { warnings: [] }
    const key = (await getJson(`${client.baseUrl}/key?key=${client.apiKey}`, options)) as { canTrade?: boolean; error?: string }
    if (key.error) throw new Unauthorized('the key is not known')
    return { warnings: key.canTrade ? ['the API key can trade; a read-only key is enough'] : [] }
  },
}

describe('live account verification', () => {
  let venue: ReplayServer
  let db: TestDatabase
  let api: TestApi
  let portfolioId: string
  let deps: AccountVerifierDeps

  beforeAll(async () => {
    venue = await startReplayServer({
      routes: {
        'GET /subaccounts/0': { body: { subaccount: 0 } },
        'GET /subaccounts/7': { status: 404, body: { errors: [{ msg: 'Not Found' }] } },
        'GET /key': { body: (request: RecordedRequest) => (request.query.get('key') === 'trading-key' ? { canTrade: true } : request.query.get('key') === 'read-key' ? { canTrade: false } : { error: 'unknown key' }) },
      },
    })
    const clientEnv: ClientEnvironment = { secret: () => undefined, timeoutMs: 2000, urlOverrides: { 'example-exchange': venue.url }, logger: silentLogger() }
    deps = { venues: { 'example-exchange': exampleExchange }, clientEnv, timeoutMs: 2000, logger: silentLogger() }
    db = await createTestDatabase('pglite')
    api = await startTestApi(db, {
      venues: { 'example-exchange': exampleExchange },
      sealCredentials: (plain) => Buffer.from(JSON.stringify(Object.keys(plain))).toString('base64'),
      verifyAccount: (account) => verifyAccount(deps, account),
    })
    portfolioId = (await db.prisma.portfolio.create({ data: { name: 'Verified fund' } })).id
  })
  afterAll(async () => {
    await api?.close()
    await db?.destroy()
    await venue?.close()
  })

  const ADD = `mutation ($input: AddAccountInput!) { addAccount(input: $input) { id label warnings } }`
  const add = (label: string, config: Record<string, unknown>, credentials?: Record<string, string>) =>
    api.query<{ addAccount: { id: string; label: string; warnings: string[] } }>(ADD, { input: { portfolioId, venue: 'example-exchange', label, config, credentials } })

  test('an existing subaccount with a read-only key is stored without warnings', async () => {
    const res = await add('read only', { subaccount: 0, apiKeyEnv: 'EX_KEY' }, { EX_KEY: 'read-key' })
    expect(res.errors).toBeUndefined()
    expect(res.data!.addAccount.warnings).toEqual([])
  })

  test('a key that can trade is stored with a warning, kept on the account', async () => {
    const res = await add('trader', { subaccount: 0, apiKeyEnv: 'EX_KEY' }, { EX_KEY: 'trading-key' })
    expect(res.errors).toBeUndefined()
    expect(res.data!.addAccount.warnings).toEqual(['the API key can trade; a read-only key is enough'])
    const stored = await db.prisma.account.findUniqueOrThrow({ where: { id: res.data!.addAccount.id } })
    expect(stored.warnings).toEqual(['the API key can trade; a read-only key is enough'])
  })

  test('a subaccount the venue does not know is refused naming input.config.subaccount; nothing stored', async () => {
    const before = await db.prisma.account.count()
    const res = await add('ghost', { subaccount: 7 })
    expect(res.data).toBeNull()
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'INVALID_INPUT', field: 'input.config.subaccount' })
    expect(res.errors![0]!.message).toContain('subaccount 7 does not exist')
    expect(await db.prisma.account.count()).toBe(before)
  })

  test('a key the venue rejects is refused naming input.credentials, and the key is not echoed', async () => {
    const res = await add('bad key', { subaccount: 0, apiKeyEnv: 'EX_KEY' }, { EX_KEY: 'sk-live-not-a-key' })
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'INVALID_INPUT', field: 'input.credentials' })
    expect(JSON.stringify(res)).not.toContain('sk-live-not-a-key')
    expect(await db.prisma.account.findFirst({ where: { label: 'bad key' } })).toBeNull()
  })

  test('a venue that is down does not block the add; the account says it was not verified', async () => {
    venue.setFault('*', { kind: 'status', status: 503, body: { error: 'maintenance' } })
    try {
      const res = await add('during outage', { subaccount: 0 })
      expect(res.errors).toBeUndefined()
      expect(res.data!.addAccount.warnings).toHaveLength(1)
      expect(res.data!.addAccount.warnings[0]).toMatch(/^not verified with example-exchange: .*HTTP 503/)
    } finally {
      venue.setFault('*', null)
    }
  })
})

describe('config accounts are verified at start, before anything is stored', () => {
  let venue: ReplayServer
  let dir: string
  beforeAll(async () => {
    venue = await startReplayServer({ routes: { 'GET /subaccounts/0': { body: { subaccount: 0 } }, 'GET /subaccounts/3': { status: 404, body: {} } } })
    dir = mkdtempSync(path.join(tmpdir(), 'crossmargin-verify-'))
  })
  afterAll(async () => {
    await venue?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const configWith = (name: string, subaccounts: number[]) =>
    validateConfig(
      {
        dataDir: dir,
        server: { host: '127.0.0.1', port: 0 },
        portfolios: [{ name, accounts: subaccounts.map((subaccount, i) => ({ venue: 'example-exchange', label: `sub ${i}`, config: { subaccount } })) }],
      },
      'crossmargin.yaml',
      { 'example-exchange': exampleExchange },
    )
  const start = (name: string, subaccounts: number[]) =>
    startApp({ config: configWith(name, subaccounts), configSource: 'crossmargin.yaml', venues: { 'example-exchange': exampleExchange }, logger: silentLogger(), env: {}, urlOverrides: { 'example-exchange': venue.url }, indexer: false })

  test('a subaccount the venue does not know stops the start naming the file and key; the good one is not stored either', async () => {
    const failure = await start('Refused fund', [0, 3]).then(
      () => null,
      (error: unknown) => error,
    )
    expect(failure).toBeInstanceOf(InvalidInput)
    expect((failure as InvalidInput).field).toBe('crossmargin.yaml: portfolios[0].accounts[1].config.subaccount')

    // Same data directory: the refused start must have left no portfolio and no account behind.
    const app = await start('Accepted fund', [0])
    try {
      expect((await app.db.prisma.portfolio.findMany()).map((p) => p.name)).toEqual(['Accepted fund'])
      expect((await app.db.prisma.account.findMany()).map((a) => a.label)).toEqual(['sub 0'])
    } finally {
      await app.stop()
    }
  })
})
