// The shared conformance suite every venue connector passes: same face, honest snapshots, the error vocabulary
// on faults, no secrets in errors. A venue's test file supplies a harness that points the connector at a local
// server (replay server or chain) and can make that server misbehave.
import { describe, expect, test, beforeAll, afterAll } from '@jest/globals'
import { silentLogger } from '../../core/logger.js'
import { isCrossmarginError } from '../../core/errors.js'
import { validateSnapshot } from '../../indexer/validate-snapshot.js'
import type { AnyVenueConnector, ClientEnvironment, FetchContext } from '../../venues/types.js'
import { fetchVenueAccount } from '../../venues/venue-faults.js'
import type { ReplayFault } from '../../core/replay/http-replay-server.js'

/** Every way the suite makes a venue misbehave; a harness must be able to produce each one. */
export const CONFORMANCE_FAULTS = ['http-500', 'malformed-json', 'truncated-json', 'hang', 'rate-limited'] as const
export type ConformanceFault = (typeof CONFORMANCE_FAULTS)[number]

/** What `rate-limited` sends: 429 with `Retry-After: 7`; the connector must hand the 7 s on to the indexer. */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 7

/** The replay server's form of a conformance fault, for harnesses built on `startReplayServer`. */
export function replayFault(fault: ConformanceFault | null, rateLimitBody?: unknown): ReplayFault | null {
  switch (fault) {
    case null:
      return null
    case 'http-500':
      return { kind: 'status', status: 500 }
    case 'malformed-json':
      return { kind: 'malformed-json' }
    case 'truncated-json':
      return { kind: 'truncated-json' }
    case 'hang':
      return { kind: 'hang' }
    case 'rate-limited':
      return { kind: 'status', status: 429, headers: { 'Retry-After': String(RATE_LIMIT_RETRY_AFTER_SECONDS) }, body: rateLimitBody }
  }
}

export interface ConformanceHarness {
  connector: AnyVenueConnector
  /** Starts the local venue; returns a valid account config and the client environment pointing at it. */
  start(): Promise<{ config: unknown; env: ClientEnvironment }>
  /** Makes every later request misbehave (null restores normal answers). */
  setFault(fault: ConformanceFault | null): void
  stop(): Promise<void>
  /** Strings that must never appear in an error message (API keys, secrets). */
  secrets?: string[]
  /** A config the descriptor must refuse, with the key its error must name. */
  invalidConfig: { config: unknown; key: string }
}

function context(timeoutMs = 5_000): FetchContext {
  return { signal: AbortSignal.timeout(timeoutMs), logger: silentLogger(), now: () => new Date() }
}

export function describeConnectorConformance(name: string, harness: ConformanceHarness): void {
  describe(`${name} connector conformance`, () => {
    let config: unknown
    let env: ClientEnvironment
    beforeAll(async () => {
      ;({ config, env } = await harness.start())
    })
    afterAll(async () => harness.stop())

    const fetchOnce = async () => {
      const parsed = harness.connector.descriptor.configSchema.parse(config)
      const client = harness.connector.createClient(parsed, env)
      try {
        return await fetchVenueAccount(harness.connector, client, parsed, context())
      } finally {
        await harness.connector.closeClient?.(client)
      }
    }

    test('the descriptor names itself and refuses a bad config naming the key', () => {
      const d = harness.connector.descriptor
      expect(d.id).toMatch(/^[a-z0-9-]+$/)
      expect(d.rateBudget.requestsPerSecond).toBeGreaterThan(0)
      const result = d.configSchema.safeParse(harness.invalidConfig.config)
      expect(result.success).toBe(false)
      expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(harness.invalidConfig.key)
    })

    test('a fetch returns a complete snapshot that passes validation, with the raw payload kept', async () => {
      harness.setFault(null)
      const snapshot = await fetchOnce()
      expect(() => validateSnapshot(harness.connector.descriptor.id, snapshot)).not.toThrow()
      expect(snapshot.raw).toBeTruthy()
      expect(Math.abs(snapshot.asOf.getTime() - Date.now())).toBeLessThan(365 * 24 * 3600 * 1000 * 10)
      for (const p of snapshot.positions) expect(p.raw).toBeDefined()
      for (const b of snapshot.balances) expect(b.raw).toBeDefined()
    })

    for (const fault of CONFORMANCE_FAULTS) {
      test(`a venue fault (${fault}) becomes a typed error quickly, with no secret in it`, async () => {
        harness.setFault(fault)
        const started = Date.now()
        try {
          const error = await fetchOnce().then(
            () => null,
            (e: unknown) => e,
          )
          expect(error).not.toBeNull()
          expect(isCrossmarginError(error)).toBe(true)
          expect(['VENUE_UNAVAILABLE', 'VENUE_REJECTED']).toContain((error as { code: string }).code)
          for (const secret of harness.secrets ?? []) expect((error as Error).message).not.toContain(secret)
          expect(Date.now() - started).toBeLessThan(env.timeoutMs + 5_000)
          if (fault === 'rate-limited') {
            // The venue said when to come back: the indexer's backoff needs that figure, not a guess.
            expect((error as { code: string }).code).toBe('VENUE_UNAVAILABLE')
            expect((error as { retryAfterMs: number | null }).retryAfterMs).toBe(RATE_LIMIT_RETRY_AFTER_SECONDS * 1000)
          }
        } finally {
          harness.setFault(null)
        }
      })
    }
  })
}
