// The indexer meeting broken venues: a failed fetch is stored as a failed snapshot with its error, the last good
// snapshot is still served with its age, and one broken account never stops the others.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../support/databases.js'
import { startTestApi, type TestApi } from '../support/api.js'
import { silentLogger } from '../../core/logger.js'
import { Indexer } from '../../indexer/indexer.js'
import { venueConnectors } from '../../venues/index.js'
import { startBinanceReplay } from '../../venues/binance/local/replay.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import type { ClientEnvironment } from '../../venues/types.js'

const demoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'venues', 'binance', 'local', 'demo-account')

describe.each(testDatabaseKinds)('indexer faults on %s', (kind) => {
  let db: TestDatabase
  let api: TestApi
  let healthy: ReplayServer
  let broken: ReplayServer
  let indexer: Indexer
  let portfolioId: string
  let brokenAccountId: string

  beforeAll(async () => {
    db = await createTestDatabase(kind)
    healthy = await startBinanceReplay({ fixtures: demoDir })
    broken = await startBinanceReplay({ fixtures: demoDir })
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Faults' } })
    portfolioId = portfolio.id
    // Two Binance accounts whose keys point at two different local servers (through the per-account key names).
    const good = { market: 'usdm', apiKeyEnv: 'GOOD_KEY', secretEnv: 'GOOD_SECRET' }
    const bad = { market: 'usdm', apiKeyEnv: 'BAD_KEY', secretEnv: 'BAD_SECRET' }
    await db.prisma.account.create({ data: { portfolioId, venue: 'binance', label: 'good', config: good } })
    brokenAccountId = (await db.prisma.account.create({ data: { portfolioId, venue: 'binance', label: 'flaky', config: bad } })).id
    // Each account's key names decide which local server it talks to: a healthy one and one we break.
    const connector = venueConnectors.binance!
    const routedBinance = {
      ...connector,
      createClient: (config: { apiKeyEnv: string }, env: ClientEnvironment) =>
        connector.createClient(config, { ...env, urlOverrides: { binance: config.apiKeyEnv === 'BAD_KEY' ? broken.url : healthy.url } }),
    }
    indexer = new Indexer({
      prisma: db.prisma,
      venues: { ...venueConnectors, binance: routedBinance },
      clientEnv: { secret: (name) => `${name}-value`, timeoutMs: 1_500, logger: silentLogger() },
      logger: silentLogger(),
      timeoutMs: 3_000,
      intervalMs: 60_000,
      concurrencyPerVenue: 2,
    })
    api = await startTestApi(db)
  })
  afterAll(async () => {
    await indexer?.stop()
    await api?.close()
    await healthy?.close()
    await broken?.close()
    await db?.destroy()
  })

  const query = async () =>
    (
      await api.query<{ portfolio: { accounts: { label: string; status: string; lastError: string | null; dataAgeSeconds: number | null; lastSnapshot: { positions: { size: string }[] } | null }[] } }>(
        `query ($id: ID!) { portfolio(id: $id) { accounts { label status lastError dataAgeSeconds lastSnapshot { positions { size } } } } }`,
        { id: portfolioId },
      )
    ).data!.portfolio.accounts

  test('first a good fetch of both accounts', async () => {
    const outcomes = await indexer.runOnce()
    expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok'])
    const accounts = await query()
    expect(accounts.map((a) => a.status)).toEqual(['OK', 'OK'])
  })

  test.each([
    ['HTTP 500', { kind: 'status', status: 500 } as const, /VENUE_UNAVAILABLE/],
    ['malformed JSON', { kind: 'malformed-json' } as const, /VENUE_UNAVAILABLE/],
    ['a timeout', { kind: 'hang' } as const, /VENUE_UNAVAILABLE/],
  ])('%s: failed snapshot stored, previous positions still served, status and age say so', async (_name, fault, code) => {
    broken.setFault('*', fault)
    const outcomes = await indexer.runOnce()
    broken.setFault('*', null)
    const byAccount = Object.fromEntries(outcomes.map((o) => [o.accountId, o]))
    expect(byAccount[brokenAccountId]!.status).toBe('failed')
    expect(outcomes.filter((o) => o.accountId !== brokenAccountId).map((o) => o.status)).toEqual(['ok'])
    const failed = await db.prisma.snapshot.findFirstOrThrow({ where: { accountId: brokenAccountId }, orderBy: { fetchedAt: 'desc' } })
    expect(failed.status).toBe('failed')
    expect(failed.error).toMatch(code)
    const [good, flaky] = await query()
    expect(good!.status).toBe('OK')
    expect(flaky!.status).toBe('FAILED')
    expect(flaky!.lastError).toMatch(code)
    expect(flaky!.lastSnapshot!.positions.map((p) => p.size)).toEqual(['1.2', '-1.5'])
    expect(flaky!.dataAgeSeconds).toBeGreaterThan(0)
  })

  test('a rejected key marks the account unauthorized and touches nothing else', async () => {
    broken.setFault('GET /fapi/v2/account', { kind: 'status', status: 401, body: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } })
    await indexer.runOnce()
    broken.setFault('GET /fapi/v2/account', null)
    const [good, flaky] = await query()
    expect(good!.status).toBe('OK')
    expect(flaky!.status).toBe('UNAUTHORIZED')
    expect(flaky!.lastSnapshot!.positions).toHaveLength(2)
  })

  test('after the venue recovers the account is OK again with a fresh snapshot', async () => {
    await indexer.runOnce()
    const [, flaky] = await query()
    expect(flaky!.status).toBe('OK')
    expect(flaky!.lastError).toBeNull()
    const counts = await db.prisma.snapshot.groupBy({ by: ['status'], where: { accountId: brokenAccountId }, _count: true })
    expect(Object.fromEntries(counts.map((c) => [c.status, c._count]))).toEqual({ ok: 2, failed: 4 })
  })
})
