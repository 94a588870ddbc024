// Margin calls as a user meets them: an Aave v3 account on the real contracts (anvil) is drawn toward liquidation by
// oracle moves; after each fetch the running app opens, escalates and resolves calls on the health factor the
// contract reports, stores them, and pushes them to a graphql-ws subscriber along with the updated account.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { poll } from '../support/poll.js'
import WebSocket from 'ws'
import { createClient, type Client } from 'graphql-ws'
import { silentLogger } from '../../core/logger.js'
import { validateConfig } from '../../core/config.js'
import { startApp, type RunningApp } from '../../app/app.js'
import { venueConnectors } from '../../venues/index.js'
import { startAnvil, type LocalChain } from '../../venues/aave-v3/local/anvil.js'
import { deployAaveMarket, type LocalAaveMarket } from '../../venues/aave-v3/local/deploy-market.js'

interface CallRow {
  level: string
  metric: string
  threshold: string
  value: string
  reason: string | null
  resolvedAt: string | null
  resolution: string | null
}

/** Collects what a subscription delivers; `next(n)` waits until n items have arrived. */
function collect<T>(client: Client, query: string, variables: Record<string, unknown>) {
  const items: T[] = []
  const waiters: { count: number; resolve: () => void }[] = []
  const dispose = client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        items.push(value.data as T)
        for (const w of waiters.filter((w) => items.length >= w.count)) w.resolve()
      },
      error: (error) => {
        throw error
      },
      complete: () => undefined,
    },
  )
  return {
    items,
    dispose,
    until: (count: number) =>
      items.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
  }
}

describe('margin calls on a real Aave v3 account', () => {
  let chain: LocalChain
  let market: LocalAaveMarket
  let app: RunningApp
  let dir: string
  let ws: Client
  let user: string

  beforeAll(async () => {
    chain = await startAnvil()
    market = await deployAaveMarket(chain.rpcUrl)
    user = market.wallets[2]!
    await market.setAssetPriceUsd('WETH', '3000')
    await market.fundAndSupply(user, 'WETH', '2')
    await market.borrow(user, 'USDC', '4000')
    dir = mkdtempSync(path.join(tmpdir(), 'crossmargin-calls-'))
    const config = validateConfig(
      {
        dataDir: dir,
        server: { host: '127.0.0.1', port: 0 },
        indexer: { intervalSeconds: 3600, timeoutMs: 10_000 },
        portfolios: [
          {
            name: 'Levered ETH',
            accounts: [{ venue: 'aave-v3', label: 'Aave', config: { rpcUrl: chain.rpcUrl, poolAddressesProvider: market.addresses.poolAddressesProvider, user, chainId: market.chainId } }],
          },
        ],
      },
      'crossmargin.yaml',
      venueConnectors,
    )
    app = await startApp({ config, venues: venueConnectors, logger: silentLogger(), env: {}, indexer: false })
    ws = createClient({ url: app.api.url.replace('http://', 'ws://'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false })
  }, 120_000)

  afterAll(async () => {
    await ws?.dispose()
    await app?.stop()
    await chain?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const portfolioId = () => app.portfolioIds[0]!
  const calls = async (includeResolved = false) => {
    const res = await fetch(app.api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: `query ($id: ID!, $all: Boolean) { portfolio(id: $id) { marginCalls(includeResolved: $all) { level metric threshold value reason resolvedAt resolution } } }`,
        variables: { id: portfolioId(), all: includeResolved },
      }),
    })
    return ((await res.json()) as { data: { portfolio: { marginCalls: CallRow[] } } }).data.portfolio.marginCalls
  }

  test('health factor 1.2375 opens a warning; 1.0725 escalates to a call; 1.36 resolves it; each pushed live', async () => {
    const callFeed = collect<{ marginCallChanged: { change: string; call: { level: string; value: string } } }>(
      ws,
      `subscription ($id: ID!) { marginCallChanged(portfolioId: $id) { change call { level value } } }`,
      { id: portfolioId() },
    )
    const accountFeed = collect<{ accountUpdated: { label: string; status: string; lastSnapshot: { venueMargin: { reported: { healthFactor: string | null } } } | null } }>(
      ws,
      `subscription ($id: ID!) { accountUpdated(portfolioId: $id) { label status lastSnapshot { venueMargin { reported { healthFactor } } } } }`,
      { id: portfolioId() },
    )
    // Both subscriptions are registered once the server holds their listeners.
    await poll(() => app.events.listenerCount(portfolioId()), { timeout: 5_000 }).toBe(2)

    // 2 WETH × $3000 × liquidation threshold 82.5 % / 4000 USDC = 1.2375 (before a few seconds of interest):
    // under the 1.25 warning line, above the 1.10 call line.
    await app.indexer.runOnce()
    let open = await calls()
    expect(open).toHaveLength(1)
    expect(open[0]).toMatchObject({ level: 'WARNING', metric: 'healthFactor', threshold: '1.25' })
    expect(Number(open[0]!.value)).toBeCloseTo(1.2375, 3)
    await accountFeed.until(1)
    expect(Number(accountFeed.items[0]!.accountUpdated.lastSnapshot!.venueMargin.reported.healthFactor)).toBeCloseTo(1.2375, 3)

    // ETH to $2600: 5200 × 0.825 / 4000 = 1.0725, past the call line: the warning resolves, a call opens.
    await market.setAssetPriceUsd('WETH', '2600')
    await app.indexer.runOnce()
    open = await calls()
    expect(open.map((c) => c.level)).toEqual(['CALL'])
    expect(Number(open[0]!.value)).toBeCloseTo(1.0725, 3)
    const history = await calls(true)
    expect(history.find((c) => c.level === 'WARNING')!.resolution).toMatch(/escalated to call/)

    // ETH back to $3300: 6600 × 0.825 / 4000 = 1.36125, past 1.25 + the 0.05 band: nothing stays open.
    await market.setAssetPriceUsd('WETH', '3300')
    await app.indexer.runOnce()
    expect(await calls()).toEqual([])

    await callFeed.until(4)
    expect(callFeed.items.map((i) => `${i.marginCallChanged.change} ${i.marginCallChanged.call.level}`)).toEqual(['OPENED WARNING', 'RESOLVED WARNING', 'OPENED CALL', 'RESOLVED CALL'])
    await accountFeed.until(3)
    // Each event is read fresh from the database, not from the first event's cache.
    expect(Number(accountFeed.items[2]!.accountUpdated.lastSnapshot!.venueMargin.reported.healthFactor)).toBeCloseTo(1.36125, 3)
    callFeed.dispose()
    accountFeed.dispose()
  })

  test('a call is acknowledged once; an unknown call is NOT_FOUND', async () => {
    await market.setAssetPriceUsd('WETH', '2600')
    await app.indexer.runOnce()
    const [open] = await calls()
    expect(open!.level).toBe('CALL')
    const row = await app.db.prisma.marginCall.findFirstOrThrow({ where: { resolvedAt: null } })
    const ack = async (id: string) =>
      (await (
        await fetch(app.api.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: `mutation ($id: ID!) { acknowledgeMarginCall(id: $id) { acknowledgedAt resolvedAt } }`, variables: { id } }),
        })
      ).json()) as { data: { acknowledgeMarginCall: { acknowledgedAt: string; resolvedAt: string | null } } | null; errors?: { extensions: { code: string } }[] }
    const first = await ack(row.id)
    expect(first.data!.acknowledgeMarginCall.resolvedAt).toBeNull()
    const second = await ack(row.id)
    expect(second.data!.acknowledgeMarginCall.acknowledgedAt).toBe(first.data!.acknowledgeMarginCall.acknowledgedAt)
    expect((await ack('no-such-call')).errors![0]!.extensions.code).toBe('NOT_FOUND')
  })

  test('a subscription to an unknown portfolio is refused', async () => {
    // graphql-ws delivers a failed subscribe as one result carrying the error, then completes.
    const error = await new Promise<unknown>((resolve) => {
      ws.subscribe({ query: `subscription { marginCallChanged(portfolioId: "nope") { change } }` }, { next: (result) => resolve(result.errors), error: resolve, complete: () => resolve(null) })
    })
    expect(JSON.stringify(error)).toMatch(/portfolio nope does not exist/)
  })
})
