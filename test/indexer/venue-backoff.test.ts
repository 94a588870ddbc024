// A venue that answers 429 with Retry-After pauses every account of that venue, not only the one told, until the
// named time passes; other venues go on; nothing is written for the deferred accounts, so their last good snapshot
// stands. Runs the real Hyperliquid connector against its replay server, with a clock the test moves.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { createTestDatabase, type TestDatabase } from '../support/databases.js'
import { startTestApi, type TestApi } from '../support/api.js'
import { sharedDataPath } from '../support/shared-data.js'
import { silentLogger } from '../../core/logger.js'
import { VenueUnavailable } from '../../core/errors.js'
import { Indexer } from '../../indexer/indexer.js'
import { MAX_PAUSE_MS, VenueBackoff } from '../../indexer/venue-backoff.js'
import { venueConnectors } from '../../venues/index.js'
import { spotDocsExample, startHyperliquidReplay } from '../../venues/hyperliquid/local/replay.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'

const recorded = {
  clearinghouseState: sharedDataPath('venue-responses', 'hyperliquid', 'info-clearinghouseState.hl-python-sdk-cassette.json'),
  meta: sharedDataPath('venue-responses', 'hyperliquid', 'info-meta.hl-python-sdk-cassette.json'),
  spotClearinghouseState: spotDocsExample,
}

describe('venue backoff on Retry-After', () => {
  let db: TestDatabase
  let api: TestApi
  let hyperliquid: ReplayServer
  let indexer: Indexer
  let clock = new Date('2026-11-24T12:00:00Z')

  beforeAll(async () => {
    db = await createTestDatabase('pglite')
    hyperliquid = await startHyperliquidReplay(recorded)
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Backoff' } })
    for (const label of ['first', 'second', 'third']) {
      await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'hyperliquid', label, config: { user: `0x${label.length.toString(16).padStart(2, '0').repeat(20)}`, apiUrl: hyperliquid.url } } })
    }
    // One account at a time, so the first 429 is seen before the next account of the venue starts.
    indexer = new Indexer({
      prisma: db.prisma,
      venues: venueConnectors,
      clientEnv: { secret: () => undefined, timeoutMs: 2_000, logger: silentLogger() },
      logger: silentLogger(),
      timeoutMs: 3_000,
      intervalMs: 60_000,
      concurrencyPerVenue: 1,
      now: () => clock,
    })
    api = await startTestApi(db, { venues: venueConnectors, venuePause: (venue) => indexer.backoff.pausedUntil(venue) })
  })
  afterAll(async () => {
    await indexer?.stop()
    await api?.close()
    await hyperliquid?.close()
    await db?.destroy()
  })

  test('a 429 with Retry-After defers the venue’s other accounts until it passes, writing nothing for them', async () => {
    expect((await indexer.runOnce()).map((o) => o.status)).toEqual(['ok', 'ok', 'ok'])
    const snapshotsBefore = await db.prisma.snapshot.count()

    hyperliquid.setFault('*', { kind: 'status', status: 429, headers: { 'retry-after': '30' }, body: { error: 'rate limited' } })
    const limited = await indexer.runOnce()
    expect(limited.map((o) => o.status)).toEqual(['failed', 'deferred', 'deferred'])
    const resumesAt = new Date(clock.getTime() + 30_000)
    expect(limited[1]).toMatchObject({ status: 'deferred', resumesAt })
    // Only the account that met the 429 has a (failed) snapshot; the deferred ones keep their last good one.
    expect(await db.prisma.snapshot.count()).toBe(snapshotsBefore + 1)

    const venues = await api.query<{ venues: { id: string; pausedUntil: string | null; pauseReason: string | null }[] }>(`{ venues { id pausedUntil pauseReason } }`)
    const shown = venues.data!.venues.find((v) => v.id === 'hyperliquid')!
    expect(shown.pausedUntil).toBe(resumesAt.toISOString())
    expect(shown.pauseReason).toMatch(/429/)
    expect(venues.data!.venues.find((v) => v.id === 'binance')!.pausedUntil).toBeNull()

    // 29 s later the venue is still left alone: no request reaches it.
    hyperliquid.setFault('*', null)
    clock = new Date(clock.getTime() + 29_000)
    const requestsWhilePaused = hyperliquid.requests.length
    expect((await indexer.runOnce()).map((o) => o.status)).toEqual(['deferred', 'deferred', 'deferred'])
    expect(hyperliquid.requests.length).toBe(requestsWhilePaused)

    // Once Retry-After has passed every account is fetched again.
    clock = new Date(clock.getTime() + 1_000)
    expect((await indexer.runOnce()).map((o) => o.status)).toEqual(['ok', 'ok', 'ok'])
    expect(indexer.backoff.pausedUntil('hyperliquid')).toBeNull()
  })
})

describe('VenueBackoff', () => {
  test('ignores failures that name no wait, keeps the later deadline, and caps absurd ones', () => {
    const now = new Date('2026-11-24T00:00:00Z')
    const backoff = new VenueBackoff(() => now)
    expect(backoff.note('okx', new VenueUnavailable('HTTP 503'))).toBeNull()
    backoff.note('okx', new VenueUnavailable('429', 60_000))
    backoff.note('okx', new VenueUnavailable('429', 10_000))
    expect(backoff.pausedUntil('okx')!.until).toEqual(new Date(now.getTime() + 60_000))
    backoff.note('binance', new VenueUnavailable('418 banned', 3 * 24 * 3_600_000))
    expect(backoff.pausedUntil('binance')!.until).toEqual(new Date(now.getTime() + MAX_PAUSE_MS))
    expect(backoff.pausedUntil('bybit')).toBeNull()
  })
})
