// A venue's unusable answer is the venue's fault, decided once where every fetch passes (venues/venue-faults.ts):
// the indexer stores VENUE_REJECTED naming the venue, whichever connector read the payload, never INVALID_INPUT.
import { toJson } from '../../indexer/snapshot-writer.js'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { z } from 'zod'
import { createTestDatabase, type TestDatabase } from '../support/databases.js'
import { sharedDataPath } from '../support/shared-data.js'
import { parseDecimal } from '../../core/decimal.js'
import { VenueUnavailable } from '../../core/errors.js'
import { silentLogger } from '../../core/logger.js'
import { ClientCache, fetchAndStoreAccount, type AccountFetcherDeps, type IndexedAccount } from '../../indexer/fetch-account.js'
import { hyperliquidConnector } from '../../venues/hyperliquid/connector.js'
import { spotDocsExample, startHyperliquidReplay } from '../../venues/hyperliquid/local/replay.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import type { AnyVenueConnector } from '../../venues/types.js'
import { fetchVenueAccount } from '../../venues/venue-faults.js'

/** A connector that reads one figure from a payload it is handed, with the same check connectors use. */
function payloadConnector(id: string, read: () => unknown): AnyVenueConnector {
  return {
    descriptor: { id, displayName: id, kind: 'cex', supports: { positions: true, lending: false, options: false, venueReportsMargin: false }, configSchema: z.object({}), rateBudget: { requestsPerSecond: 10, weightPerMinute: null }, docs: [] },
    createClient: () => ({}),
    fetchAccount: async () => {
      parseDecimal(read(), 'positions[0].size')
      throw new Error('the test payload was expected to be refused')
    },
  }
}

describe('venue faults, mapped once', () => {
  let db: TestDatabase
  let server: ReplayServer
  let dir: string
  let portfolioId: string
  beforeAll(async () => {
    db = await createTestDatabase('pglite')
    portfolioId = (await db.prisma.portfolio.create({ data: { name: 'Faults' } })).id
    // The recorded clearinghouse state (hyperliquid-python-sdk cassette) with its first position's size garbled.
    const recorded = JSON.parse(readFileSync(sharedDataPath('venue-responses', 'hyperliquid', 'info-clearinghouseState.hl-python-sdk-cassette.json'), 'utf8')) as { assetPositions: { position: { szi: string } }[] }
    recorded.assetPositions[0]!.position.szi = 'lots'
    dir = mkdtempSync(path.join(tmpdir(), 'crossmargin-faults-'))
    writeFileSync(path.join(dir, 'clearinghouseState.json'), JSON.stringify(recorded))
    server = await startHyperliquidReplay({
      clearinghouseState: path.join(dir, 'clearinghouseState.json'),
      meta: sharedDataPath('venue-responses', 'hyperliquid', 'info-meta.hl-python-sdk-cassette.json'),
      spotClearinghouseState: spotDocsExample,
    })
  })
  afterAll(async () => {
    await server?.close()
    await db?.destroy()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  async function fetchWith(connector: AnyVenueConnector, config: Record<string, unknown>) {
    const account = await db.prisma.account.create({ data: { portfolioId, venue: connector.descriptor.id, label: connector.descriptor.id, config: toJson(config) } })
    const deps: AccountFetcherDeps = {
      prisma: db.prisma,
      venues: { [connector.descriptor.id]: connector },
      clientEnv: { secret: () => undefined, timeoutMs: 5_000, urlOverrides: { hyperliquid: server.url }, logger: silentLogger() },
      logger: silentLogger(),
      timeoutMs: 10_000,
    }
    const indexed: IndexedAccount = { id: account.id, venue: account.venue, label: account.label, config }
    const outcome = await fetchAndStoreAccount(deps, indexed, new ClientCache())
    const stored = await db.prisma.snapshot.findFirstOrThrow({ where: { accountId: account.id } })
    return { outcome, stored }
  }

  test('a Hyperliquid size that is not a number: VENUE_REJECTED naming Hyperliquid and the field', async () => {
    const { outcome, stored } = await fetchWith(hyperliquidConnector, { user: `0x${'5e'.repeat(20)}` })
    expect(outcome.status).toBe('failed')
    expect(outcome.error).toMatchObject({ code: 'VENUE_REJECTED', message: expect.stringMatching(/^hyperliquid sent an unusable answer: .*szi.*lots/) })
    expect(stored).toMatchObject({ status: 'failed', error: expect.stringMatching(/^VENUE_REJECTED: hyperliquid sent an unusable answer: assetPositions\[0\]\.szi/) })
  })

  test('any connector’s payload check is mapped the same way, with no catch of its own', async () => {
    const { outcome } = await fetchWith(payloadConnector('somevenue', () => 'NaN?'), {})
    expect(outcome.error).toMatchObject({ code: 'VENUE_REJECTED', message: expect.stringMatching(/^somevenue sent an unusable answer: positions\[0\]\.size/) })
  })

  test('a fault already in the vocabulary passes through unchanged', async () => {
    const busy = new VenueUnavailable('somevenue is busy', 7_000)
    const connector: AnyVenueConnector = { ...payloadConnector('somevenue', () => null), fetchAccount: () => Promise.reject(busy) }
    await expect(fetchVenueAccount(connector, {}, {}, { signal: AbortSignal.timeout(1_000), logger: silentLogger(), now: () => new Date() })).rejects.toBe(busy)
  })
})
