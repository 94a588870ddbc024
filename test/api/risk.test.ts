// The risk engine through GraphQL: the stateless what-if and a stored portfolio's unified margin, stress,
// liquidation distances, capital efficiency and backtest, over candles stored from the real price history.
import path from 'node:path'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import { expect } from '../support/expect.js'
import { createTestDatabase, type TestDatabase } from '../support/databases.js'
import { startTestApi, type TestApi } from '../support/api.js'
import { readSharedJson, sharedDataPath } from '../support/shared-data.js'
import { readCandlesCsv } from '../../market/price-csv.js'
import { storeCandles } from '../../market/candle-store.js'
import { writeSnapshot } from '../../indexer/snapshot-writer.js'
import { figures, lendingSnapshot, perpSnapshot } from '../support/snapshots.js'
import { portfolioRiskContext } from '../../portfolio/risk-context.js'
import { portfolioSources } from '../../portfolio/sources.js'
import { unifiedBook } from '../../portfolio/report.js'
import { cachedPriceHistory } from '../../market/candle-store.js'
import { silentLogger } from '../../core/logger.js'
import { gmxV2Connector } from '../../venues/gmx-v2/connector.js'
import { gmxV2Descriptor } from '../../venues/gmx-v2/descriptor.js'
import { startGmxApiReplay } from '../../venues/gmx-v2/local/replay.js'
import { startLocalGmxRpc } from '../../venues/gmx-v2/local/rpc-server.js'
import { TRADER, testState } from '../../venues/gmx-v2/local/state.js'
import { dydxV4Connector } from '../../venues/dydx-v4/connector.js'
import { dydxV4Descriptor } from '../../venues/dydx-v4/descriptor.js'
import { startDydxReplay } from '../../venues/dydx-v4/local/replay.js'
import { hyperliquidConnector } from '../../venues/hyperliquid/connector.js'
import { hyperliquidDescriptor } from '../../venues/hyperliquid/descriptor.js'
import { spotDocsExample, startHyperliquidReplay } from '../../venues/hyperliquid/local/replay.js'
import type { VenueSnapshot } from '../../core/domain.js'
import { binanceConnector } from '../../venues/binance/connector.js'
import { binanceDescriptor } from '../../venues/binance/descriptor.js'
import { binanceRoutes, fixtureFiles, startBinanceReplay } from '../../venues/binance/local/replay.js'
import { startReplayServer } from '../../core/replay/http-replay-server.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

const SIMULATE = /* GraphQL */ `
  query ($input: SimulationInput!) {
    simulateMargin(input: $input) {
      asOf
      venues { venue label initialMargin maintenanceMargin equity marginRatio healthFactor worstDayLiquidationScale liquidationPrices { factor price } }
      unified { initialMargin var99 es975 stress liquidityAddOn concentrationAddOn floorApplied scenarioCount components { name value } }
      exposures { factor netUnits netUsd grossUsd }
      stressScenarios { name kind bookPnl }
      capitalEfficiency { sumOfVenueInitialMargins unifiedInitialMargin freed idleCollateral { venue amount } rebalancing { fromVenue toVenue amount reason effect { accountLabel factor before after } } }
    }
  }`

describe('risk through GraphQL', () => {
  let db: TestDatabase
  let api: TestApi
  beforeAll(async () => {
    db = await createTestDatabase('pglite')
    const dir = sharedDataPath('prices')
    for (const file of readdirSync(dir).filter((f) => f.endsWith('-1d.csv'))) await storeCandles(db.prisma, file.split('-')[0]!, 'binance-spot', readCandlesCsv(path.join(dir, file)))
    api = await startTestApi(db, { now: () => new Date('2025-12-31T12:00:00Z') })
  })
  afterAll(async () => {
    await api?.close()
    await db?.destroy()
  })

  test('simulateMargin: a Deribit perpetual hedged by a Binance short nets to a small unified margin', async () => {
    const res = await api.query<{ simulateMargin: { venues: { venue: string; initialMargin: string }[]; unified: { initialMargin: string; scenarioCount: number }; exposures: { factor: string; netUnits: string }[]; capitalEfficiency: { sumOfVenueInitialMargins: string; freed: string } } }>(SIMULATE, {
      input: {
        asOf: '2025-12-31T00:00:00Z',
        accounts: [
          { venue: 'deribit', balances: [{ asset: 'BTC', amount: '1' }], positions: [{ instrument: 'BTC-PERPETUAL', size: '2' }] },
          { venue: 'binance', balances: [{ asset: 'USDT', amount: '50000' }], positions: [{ instrument: 'BTC/USDT:USDT', size: '-3' }] },
        ],
      },
    })
    expect(res.errors).toBeUndefined()
    const r = res.data!.simulateMargin
    // 1 BTC collateral + 2 BTC perpetual − 3 BTC short: flat BTC across the two venues.
    expect(r.exposures.find((e) => e.factor === 'BTC')!.netUnits).toBe('0')
    expect(Number(r.unified.initialMargin)).toBe(0)
    expect(Number(r.capitalEfficiency.sumOfVenueInitialMargins)).toBeGreaterThan(10000)
    expect(r.capitalEfficiency.freed).toBe(r.capitalEfficiency.sumOfVenueInitialMargins)
    expect(r.unified.scenarioCount).toBeGreaterThan(2900)
  })

  test('simulateMargin: an unhedged long pays ES or stress, with every component and crash replays', async () => {
    const res = await api.query<{ simulateMargin: { unified: { initialMargin: string; es975: string; stress: string; components: { name: string }[] }; stressScenarios: { name: string; kind: string; bookPnl: string }[]; venues: { worstDayLiquidationScale: number | null; liquidationPrices: { factor: string; price: string | null }[] }[] } }>(SIMULATE, {
      input: { asOf: '2025-12-31T00:00:00Z', market: { prices: [{ symbol: 'BTC', price: '87000' }] }, accounts: [{ venue: 'binance', balances: [{ asset: 'USDT', amount: '20000' }], positions: [{ instrument: 'BTCUSDT', size: '1', entryPrice: '87000' }] }] },
    })
    expect(res.errors).toBeUndefined()
    const r = res.data!.simulateMargin
    expect(Number(r.unified.initialMargin)).toBeGreaterThanOrEqual(Math.max(Number(r.unified.es975), Number(r.unified.stress)) - 0.01)
    // The grid's worst move for a BTC long is −16 %: 0.16 × 87,000.
    expect(Number(r.unified.stress)).toBeCloseTo(0.16 * 87000, 0)
    expect(r.stressScenarios.find((s) => s.kind === 'crash' && s.name.includes('FTX'))).toBeDefined()
    // Binance-like rule: equity 20,000, MM 0.4 %: P' = (87,000 − 20,000) / (1 − 0.004).
    expect(Number(r.venues[0]!.liquidationPrices[0]!.price)).toBeCloseTo(67000 / 0.996, 0)
    // The book's worst filtered day is 12 Mar 2020 (BTC 7934.52 → 4800, −39.5 %); the account's cushion is a
    // 22.7 % fall to its liquidation price. Prices move as P·exp(t·r) with r that day's log return
    // (docs/methodology/stress-and-liquidation.md §3), so t = ln(P*/P) / ln(4800/7934.52) = 0.512 of that day liquidates it.
    expect(r.venues[0]!.worstDayLiquidationScale).toBeCloseTo(Math.log(67000 / 0.996 / 87000) / Math.log(4800 / 7934.52), 3)
  })

  test('simulateMargin: a coin with no daily history is listed with the stand-in that moved it, not margined silently as BTC', async () => {
    // HYPE has no file in ../shared/data/prices, and no history covers the USDC-USD spread either.
    const res = await api.query<{ simulateMargin: { unified: { proxiedHoldings: { accountLabel: string; factor: string; units: string; movedLike: string | null; reason: string }[] } } }>(
      `query ($input: SimulationInput!) { simulateMargin(input: $input) { unified { proxiedHoldings { accountLabel factor units movedLike reason } } } }`,
      { input: { asOf: '2025-12-31T00:00:00Z', market: { prices: [{ symbol: 'HYPE', price: '25' }] }, accounts: [{ venue: 'hyperliquid', label: 'hl', balances: [{ asset: 'USDC', amount: '1000' }], positions: [{ instrument: 'HYPE', size: '10', entryPrice: '25' }] }] } },
    )
    expect(res.errors).toBeUndefined()
    expect(res.data!.simulateMargin.unified.proxiedHoldings).toEqual([
      { accountLabel: 'hl', factor: 'HYPE', units: '10', movedLike: 'BTC', reason: 'no daily history of HYPE: the historical scenarios move it like BTC' },
      { accountLabel: 'hl', factor: 'USDC-USD', units: '1000', movedLike: null, reason: 'no daily history of USDC-USD: the historical scenarios hold it flat' },
    ])
  })

  test('simulateMargin: an option given its forward is valued on it: a long call and short put of one strike hold F/S BTC', async () => {
    const market = (forward?: string) => ({
      prices: [{ symbol: 'BTC', price: '95000' }],
      impliedVols: ['C', 'P'].map((t) => ({ instrument: `BTC-25DEC26-90000-${t}`, iv: 0.55, ...(forward ? { forward } : {}) })),
    })
    const accounts = [{ venue: 'deribit', positions: [{ instrument: 'BTC-25DEC26-90000-C', size: '1' }, { instrument: 'BTC-25DEC26-90000-P', size: '-1' }] }]
    const netBtc = async (forward?: string) => {
      const res = await api.query<{ simulateMargin: { exposures: { factor: string; netUnits: string }[] } }>(SIMULATE, { input: { asOf: '2025-12-31T00:00:00Z', market: market(forward), accounts } })
      expect(res.errors).toBeUndefined()
      return Number(res.data!.simulateMargin.exposures.find((e) => e.factor === 'BTC')!.netUnits)
    }
    // Call − put is a forward: delta 1 per unit of F, and F moves F/S per unit of the index.
    expect(await netBtc('95210')).toBeCloseTo(95210 / 95000, 7)
    expect(await netBtc()).toBeCloseTo(1, 7)
    const bad = await api.query(SIMULATE, { input: { market: { ...market(), impliedVols: [{ instrument: 'BTC-25DEC26-90000-C', iv: 0.55, forward: '-1' }] }, accounts } })
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_INPUT', field: 'input.market.impliedVols[0].forward' })
  })

  test('simulateMargin names a bad instrument, a bad number and a missing vol', async () => {
    const bad = async (account: object, market?: object) => (await api.query(SIMULATE, { input: { accounts: [account], market } })).errors?.[0]
    expect((await bad({ venue: 'deribit', positions: [{ instrument: 'BTC-31FOO24', size: '1' }] }))?.extensions?.field).toBe('input.accounts[0].positions[0].instrument')
    expect((await bad({ venue: 'deribit', positions: [{ instrument: 'BTC-PERPETUAL', size: 'NaN' }] }))?.extensions?.code).toBe('INVALID_INPUT')
    const noVol = await bad({ venue: 'deribit', positions: [{ instrument: 'BTC-27MAR26-100000-C', size: '1' }] })
    expect(noVol?.extensions?.code).toBe('INVALID_INPUT')
    expect(noVol?.message).toMatch(/impliedVol/)
  })

  test('simulateMargin names a price the request left out as its own input, not as missing data', async () => {
    // No stored history prices PEPE: the request must, so the refusal is the caller's to mend.
    const res = await api.query(SIMULATE, { input: { accounts: [{ venue: 'binance', balances: [{ asset: 'USDT', amount: '1000' }, { asset: 'PEPE', amount: '1' }] }] } })
    expect(res.errors?.[0]).toMatchObject({ message: expect.stringMatching(/no price for PEPE/), extensions: { code: 'INVALID_INPUT', field: 'input.accounts[0].balances[1].asset' } })
    const negative = await api.query(SIMULATE, { input: { market: { prices: [{ symbol: 'BTC', price: '-1' }] }, accounts: [{ venue: 'binance', positions: [{ instrument: 'BTCUSDT', size: '1' }] }] } })
    expect(negative.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_INPUT', field: 'input.market.prices[0].price' })
  })

  test('a stored portfolio shows unified margin, stress, liquidation distances, capital efficiency and a backtest', async () => {
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Stored' } })
    const aave = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'aave-v3', label: 'aave', config: {} } })
    const binance = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'binance', label: 'binance', config: {} } })
    await writeSnapshot(db.prisma, aave, lendingSnapshot(new Date('2025-12-31T00:00:00Z'), '2', '3000', '2970'), 1)
    await writeSnapshot(db.prisma, binance, perpSnapshot(new Date('2025-12-31T00:00:00Z'), '-1.5', '2970'), 1)
    const res = await api.query<{ portfolio: { unifiedMargin: { initialMargin: string } | null; stress: unknown[]; liquidationDistances: { venue: string; factor: string; price: string | null }[]; capitalEfficiency: { rebalancing: { fromVenue: string; toVenue: string }[] }; backtest: { days: number; trafficLight: string } | null } }>(
      `query ($id: ID!) { portfolio(id: $id) { unifiedMargin { initialMargin } stress { name } liquidationDistances { venue factor price } capitalEfficiency { rebalancing { fromVenue toVenue } } backtest { days trafficLight } } }`,
      { id: portfolio.id },
    )
    expect(res.errors).toBeUndefined()
    const p = res.data!.portfolio
    expect(Number(p.unifiedMargin!.initialMargin)).toBeGreaterThan(0)
    expect(p.stress.length).toBeGreaterThan(10)
    // 2 WETH against 3,000 USDC debt on Aave: HF = 2·2970·0.83/3000 = 1.64; liquidation at 3000/(2·0.83).
    expect(Number(p.liquidationDistances.find((l) => l.venue === 'aave-v3' && l.factor === 'ETH')!.price)).toBeCloseTo(3000 / 1.66, 0)
    expect(p.backtest!.days).toBeGreaterThan(2000)
  })

  test('a stored portfolio’s unified margin is as of the venues’ marks it used, not midnight', async () => {
    // Both accounts fetched at 09:30 on the day (the API's clock says 12:00): their ETH marks win over the daily close.
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Marked at 09:30' } })
    const aave = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'aave-v3', label: 'aave', config: {} } })
    const binance = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'binance', label: 'binance', config: {} } })
    const fetchedAt = new Date('2025-12-31T09:30:00Z')
    await writeSnapshot(db.prisma, aave, lendingSnapshot(fetchedAt, '2', '3000', '2970'), 1)
    await writeSnapshot(db.prisma, binance, perpSnapshot(fetchedAt, '-1.5', '2970'), 1)
    const res = await api.query<{ portfolio: { unifiedMargin: { asOf: string } } }>(`query ($id: ID!) { portfolio(id: $id) { unifiedMargin { asOf } } }`, { id: portfolio.id })
    expect(res.errors).toBeUndefined()
    expect(res.data!.portfolio.unifiedMargin.asOf).toBe('2025-12-31T09:30:00.000Z')
  })

  test('whatIf on the stored portfolio: closing the hedge and repaying debt change what they must, and only that', async () => {
    const portfolio = (await db.prisma.portfolio.findFirstOrThrow({ where: { name: 'Stored' }, include: { accounts: true } }))
    const aave = portfolio.accounts.find((a) => a.venue === 'aave-v3')!.id
    const binance = portfolio.accounts.find((a) => a.venue === 'binance')!.id
    type Side = { exposures: { factor: string; netUnits: string }[]; venues: { venue: string; initialMargin: string; liquidationPrices: { factor: string; price: string | null }[] }[]; unified: { initialMargin: string } }
    const res = await api.query<{ whatIf: { before: Side; after: Side; touchedAccountIds: string[]; unifiedInitialMarginChange: string; venueInitialMarginChange: string } }>(
      `query ($id: ID!, $trades: [WhatIfTradeInput!]!, $transfers: [TransferInput!]!) { whatIf(portfolioId: $id, trades: $trades, transfers: $transfers) {
        touchedAccountIds unifiedInitialMarginChange venueInitialMarginChange
        before { exposures { factor netUnits } venues { venue initialMargin liquidationPrices { factor price } } unified { initialMargin } }
        after { exposures { factor netUnits } venues { venue initialMargin liquidationPrices { factor price } } unified { initialMargin } } } }`,
      { id: portfolio.id, trades: [{ accountId: binance, instrument: 'ETHUSDT', size: '1.5' }], transfers: [{ toAccountId: aave, asset: 'USDC', amount: '1000' }] },
    )
    expect(res.errors).toBeUndefined()
    const w = res.data!.whatIf
    expect(new Set(w.touchedAccountIds)).toEqual(new Set([aave, binance]))
    // 2 ETH on Aave − 1.5 ETH short = 0.5 ETH net; buying the short back leaves the 2 ETH unhedged.
    expect(w.before.exposures.find((e) => e.factor === 'ETH')!.netUnits).toBe('0.5')
    expect(w.after.exposures.find((e) => e.factor === 'ETH')!.netUnits).toBe('2')
    // The Binance position is gone: its venue margin is nil, and the unhedged book costs more unified margin.
    expect(Number(w.after.venues.find((v) => v.venue === 'binance')!.initialMargin)).toBe(0)
    expect(Number(w.unifiedInitialMarginChange)).toBeGreaterThan(0)
    expect(Number(w.unifiedInitialMarginChange)).toBeCloseTo(Number(w.after.unified.initialMargin) - Number(w.before.unified.initialMargin), 1)
    // 1,000 USDC paid in against 3,000 USDC of debt: the liquidation price falls from 3000/(2·0.83) to 2000/(2·0.83).
    const liq = (side: Side) => Number(side.venues.find((v) => v.venue === 'aave-v3')!.liquidationPrices.find((l) => l.factor === 'ETH')!.price)
    expect(liq(w.before)).toBeCloseTo(3000 / 1.66, 0)
    expect(liq(w.after)).toBeCloseTo(2000 / 1.66, 0)
  })

  test('one book, one set of numbers: Portfolio.exposures and the risk report’s exposures agree, on the same prices', async () => {
    // A Binance account short 1.5 ETH (marked at 2,000 by the venue) with 3 SOL in its wallet that no venue prices:
    // both answers value the SOL at the stored daily close, 124.65 on 2025-12-31 (SOL-USD-1d.csv), 3 × 124.65 = 373.95.
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'One book' } })
    const account = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'binance', label: 'binance', config: {} } })
    const snapshot = perpSnapshot(new Date('2025-12-31T00:00:00Z'), '-1.5')
    const sol = { asset: 'SOL', canonicalAsset: 'SOL', kind: 'wallet' as const, amount: '3', valueUsd: null, priceUsd: null, usableAsCollateral: false, flags: [], raw: {} }
    await writeSnapshot(db.prisma, account, { ...snapshot, balances: [...snapshot.balances, sol] }, 1)
    type Answer = { portfolio: { exposures: { asset: string; priceSource: string | null; netUnits: string; netUsd: string; grossUsd: string }[] }; whatIf: { before: { exposures: { factor: string; netUnits: string; netUsd: string; grossUsd: string }[] } } }
    const res = await api.query<Answer>(
      `query ($id: ID!) { portfolio(id: $id) { exposures { asset priceSource netUnits netUsd grossUsd } } whatIf(portfolioId: $id) { before { exposures { factor netUnits netUsd grossUsd } } } }`,
      { id: portfolio.id },
    )
    expect(res.errors).toBeUndefined()
    const assets = res.data!.portfolio.exposures
    const factors = res.data!.whatIf.before.exposures
    expect(assets.map((a) => a.asset)).toEqual(['ETH', 'SOL'])
    for (const a of assets) {
      const f = factors.find((x) => x.factor === a.asset)!
      expect(Number(a.netUnits)).toBeCloseTo(Number(f.netUnits), 8)
      expect(a.netUsd).toBe(f.netUsd)
      expect(a.grossUsd).toBe(f.grossUsd)
    }
    expect(assets.map((a) => [a.asset, a.netUsd, a.priceSource])).toEqual([
      ['ETH', '-3000.00', 'binance mark of ETHUSDT'],
      ['SOL', '373.95', 'daily close of 2025-12-31'],
    ])
  })

  test('stored lending accounts are margined with their own collateral factors: Aave e-mode, a Compound market’s live ones', async () => {
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Own factors' } })
    const aave = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'aave-v3', label: 'aave e-mode', config: {} } })
    const compound = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'compound-v3', label: 'comet', config: {} } })
    const asOf = new Date('2025-12-31T00:00:00Z')
    // 2 WETH in an ETH e-mode (LT 0.93, where the default table says 0.83) against 3,000 USDC.
    const eMode = lendingSnapshot(asOf, '2', '3000', '2970')
    await writeSnapshot(db.prisma, aave, { ...eMode, margin: { ...eMode.margin, details: { collateralFactors: [{ asset: 'WETH', ltv: '0.9', liquidationThreshold: '0.93' }] } } }, 1)
    // 1 WETH against 1,500 USDC on a Comet whose liquidateCF for WETH is now 0.88 (0.90 at launch, the default).
    const comet = lendingSnapshot(asOf, '1', '1500', '2970')
    await writeSnapshot(db.prisma, compound, { ...comet, margin: { ...comet.margin, details: { collateralFactors: [{ asset: 'WETH', ltv: '0.8', liquidationThreshold: '0.88' }] } } }, 1)
    const res = await api.query<{ portfolio: { liquidationDistances: { venue: string; factor: string; price: string | null }[] } }>(`query ($id: ID!) { portfolio(id: $id) { liquidationDistances { venue factor price } } }`, { id: portfolio.id })
    expect(res.errors).toBeUndefined()
    const price = (venue: string) => Number(res.data!.portfolio.liquidationDistances.find((l) => l.venue === venue && l.factor === 'ETH')!.price)
    expect(price('aave-v3')).toBeCloseTo(3000 / (2 * 0.93), 1)
    expect(price('compound-v3')).toBeCloseTo(1500 / 0.88, 1)
  })

  test('a stored GMX v2 account: each isolated position’s liquidation price as the connector computes it with GMX’s formula', async () => {
    // The GMX trader of venues/gmx-v2/local (a local Reader and DataStore, GMX's API replayed from recorded files).
    const rpc = await startLocalGmxRpc(testState())
    const gmxApi = await startGmxApiReplay({
      markets: sharedDataPath('venue-responses', 'gmx-v2', 'api-arbitrumMarkets.gmx-interface-sdk-fixture.json'),
      tokens: sharedDataPath('venue-responses', 'gmx-v2', 'api-arbitrumTokens.gmx-interface-sdk-fixture.json'),
      tickers: sharedDataPath('venue-responses', 'gmx-v2', 'api-arbitrumTickers.gmx-interface-sdk-fixture.json'),
    })
    try {
      const config = gmxV2Descriptor.configSchema.parse({ chain: 'arbitrum', account: TRADER, rpcUrl: rpc.url, apiUrl: gmxApi.url })
      const client = gmxV2Connector.createClient(config, { secret: () => undefined, timeoutMs: 5_000, logger: silentLogger() })
      const snapshot = await gmxV2Connector.fetchAccount(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() }).finally(() => gmxV2Connector.closeClient!(client))
      const portfolio = await db.prisma.portfolio.create({ data: { name: 'GMX' } })
      const account = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'gmx-v2', label: 'gmx', config: {} } })
      await writeSnapshot(db.prisma, account, snapshot, 1)
      const res = await api.query<{ portfolio: { liquidationDistances: { factor: string; price: string | null }[] } }>(`query ($id: ID!) { portfolio(id: $id) { liquidationDistances { factor price } } }`, { id: portfolio.id })
      expect(res.errors).toBeUndefined()
      const ours = res.data!.portfolio.liquidationDistances
      // Per factor the engine reports the nearest price that liquidates something; the connector, each position's own
      // (GMX's formula with fees and impact). ETH: the long goes at ~1,390 and the short at ~1,983, the nearer.
      const mark = (factor: string) => Number(snapshot.positions.find((p) => p.instrument.underlying === factor)!.markPrice)
      for (const factor of ['ETH', 'BTC']) {
        const venue = snapshot.positions
          .filter((p) => p.instrument.underlying === factor && p.liquidationPrice !== null)
          .map((p) => Number(p.liquidationPrice))
          .sort((a, b) => Math.abs(a - mark(factor)) - Math.abs(b - mark(factor)))[0]!
        const engine = Number(ours.find((l) => l.factor === factor)!.price)
        // The same terms, but the engine holds the closing impact fixed and values USDC at 1: a small fraction apart.
        expect(Math.abs(engine / venue - 1), factor).toBeLessThan(2e-4)
      }

      // 5,000 USDC moved in: the account's equity grows by it, spread over the positions to keep the nearest one
      // furthest from liquidation, so every nearest liquidation price moves away from the mark.
      type Venue = { equity: string; liquidationPrices: { factor: string; price: string | null }[] }
      const whatIf = await api.query<{ whatIf: { before: { venues: Venue[] }; after: { venues: Venue[] }; touchedAccountIds: string[] } }>(
        `query ($id: ID!, $to: ID!) { whatIf(portfolioId: $id, transfers: [{ toAccountId: $to, asset: "USDC", amount: "5000" }]) {
          touchedAccountIds before { venues { equity liquidationPrices { factor price } } } after { venues { equity liquidationPrices { factor price } } } } }`,
        { id: portfolio.id, to: account.id },
      )
      expect(whatIf.errors).toBeUndefined()
      const [before, after] = [whatIf.data!.whatIf.before.venues[0]!, whatIf.data!.whatIf.after.venues[0]!]
      expect(Number(after.equity) - Number(before.equity)).toBeCloseTo(5000, 4)
      for (const factor of ['ETH', 'BTC']) {
        const distance = (v: Venue) => Math.abs(Number(v.liquidationPrices.find((l) => l.factor === factor)!.price) / mark(factor) - 1)
        expect(distance(after), factor).toBeGreaterThan(distance(before))
      }
    } finally {
      await rpc.close()
      await gmxApi.close()
    }
  })

  /** Stores one snapshot of a connector in a portfolio of its own; returns the portfolio's liquidation prices by factor. */
  async function engineLiquidationPrices(venue: string, snapshot: VenueSnapshot, portfolioName = `Only ${venue}`): Promise<Map<string, number>> {
    const portfolio = await db.prisma.portfolio.create({ data: { name: portfolioName } })
    const account = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue, label: venue, config: {} } })
    await writeSnapshot(db.prisma, account, snapshot, 1)
    const res = await api.query<{ portfolio: { liquidationDistances: { factor: string; price: string | null }[] } }>(`query ($id: ID!) { portfolio(id: $id) { liquidationDistances { factor price } } }`, { id: portfolio.id })
    expect(res.errors).toBeUndefined()
    return new Map(res.data!.portfolio.liquidationDistances.filter((l) => l.price !== null).map((l) => [l.factor, Number(l.price)]))
  }

  /** The API states prices to the cent: `actual` is `expected` within half a cent (and 1e-6 relative). */
  const expectPriceToTheCent = (actual: number | undefined, expected: number, what: string) => expect(Math.abs(actual! - expected), what).toBeLessThanOrEqual(0.005 + 1e-6 * expected)

  /** The Binance USDⓈ-M demo account (or a variant of its files) fetched from a replay server at `url`. */
  async function fetchBinanceUsdm(url: string): Promise<VenueSnapshot> {
    const config = binanceDescriptor.configSchema.parse({ market: 'usdm', apiKeyEnv: 'K', secretEnv: 'S' })
    const client = binanceConnector.createClient(config, { secret: (name: string) => ({ K: 'demo-key', S: 'demo-secret' })[name], timeoutMs: 5_000, urlOverrides: { binance: url }, logger: silentLogger() })
    try {
      return await binanceConnector.fetchAccount(client, config, { signal: AbortSignal.timeout(20_000), logger: silentLogger(), now: () => new Date() })
    } finally {
      await binanceConnector.closeClient!(client)
    }
  }

  /** Each Binance position's replicated liquidation price (Binance's formula) is the engine's for its factor. */
  function expectEngineAtBinancePrices(snapshot: VenueSnapshot, engine: Map<string, number>): void {
    const replicated = (snapshot.margin.details as { symbol: string; liquidationPrice: string | null }[]).filter((d) => d.liquidationPrice !== null)
    expect(replicated.length).toBeGreaterThan(0)
    for (const d of replicated) expectPriceToTheCent(engine.get(snapshot.positions.find((p) => p.instrument.venueSymbol === d.symbol)!.instrument.underlying), Number(d.liquidationPrice), d.symbol)
  }

  test('a stored dYdX subaccount is margined at its own market fractions: BTC liquidates where dYdX’s MMF 1.2 % says', async () => {
    // The recorded mainnet subaccount (ccxt fixture, SOURCES.md): BTC-USD short 0.491, 82,291.083758 USDC, MMF 0.012.
    const address = 'dydx14zzueazeh0hj67cghhf9jypslcf9sh2n5k6art'
    const indexer = await startDydxReplay({
      address,
      addressResponse: readSharedJson('venue-responses', 'dydx-v4', 'v4-addresses.ccxt-fetchAccounts.json'),
      perpetualMarkets: readSharedJson('venue-responses', 'dydx-v4', 'v4-perpetualMarkets.BTC-USD.ccxt-fetchMarkets.json'),
    })
    try {
      const config = dydxV4Descriptor.configSchema.parse({ address })
      const env = { secret: () => undefined, timeoutMs: 5_000, urlOverrides: { 'dydx-v4': indexer.url }, logger: silentLogger() }
      const snapshot = await dydxV4Connector.fetchAccount(dydxV4Connector.createClient(config, env), config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })
      // USDC − 0.491·P = 0.491·P·0.012 → P = 82,291.083758 / (0.491 × 1.012) (a default 0.4 % would say 166,926);
      // the API states prices to the cent.
      expect((await engineLiquidationPrices('dydx-v4', snapshot)).get('BTC')).toBeCloseTo(82291.083758 / (0.491 * 1.012), 2)
    } finally {
      await indexer.close()
    }
  })

  test('a stored Hyperliquid account is margined at its own leverage and margin tables, its spot wallet apart', async () => {
    // The recorded 2023 account (hyperliquid-python-sdk cassette, SOURCES.md): 12 cross positions at 20×, and the
    // documented spot example beside it (14.625485 USDC and 2,000 PURR, which nothing prices).
    const info = await startHyperliquidReplay({
      clearinghouseState: sharedDataPath('venue-responses', 'hyperliquid', 'info-clearinghouseState.hl-python-sdk-cassette.json'),
      meta: sharedDataPath('venue-responses', 'hyperliquid', 'info-meta.hl-python-sdk-cassette.json'),
      spotClearinghouseState: spotDocsExample,
    })
    try {
      const config = hyperliquidDescriptor.configSchema.parse({ user: `0x${'5e'.repeat(20)}` })
      const env = { secret: () => undefined, timeoutMs: 5_000, urlOverrides: { hyperliquid: info.url }, logger: silentLogger() }
      const snapshot = await hyperliquidConnector.fetchAccount(hyperliquidConnector.createClient(config, env), config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })
      const engine = await engineLiquidationPrices('hyperliquid', snapshot, 'Hyperliquid 2023')
      // Each short's price as Hyperliquid's documented formula gives it (the connector's): one price moving, the
      // cross account value less the cross maintenance margin (value / (2 × max leverage 50)) used up. Counting the
      // spot USDC as margin would move BTC's by 0.6 %; a default 0.4 %/1 % rate by more.
      // (The payload's own liquidationPx, kept on the positions, was computed in 2023 at a lower rate: 0.84 % apart.)
      const replicated = snapshot.margin.details as { coin: string; liquidationPrice: string | null }[]
      const shorts = replicated.filter((d) => d.liquidationPrice !== null)
      expect(shorts.map((d) => d.coin)).toEqual(['BTC', 'ATOM', 'DYDX', 'APE', 'OP'])
      // ATOM's is 235 × its price, past the engine's search (moves up to tenfold): no liquidation price there.
      for (const d of shorts.filter((d) => d.coin !== 'ATOM')) expectPriceToTheCent(engine.get(d.coin), Number(d.liquidationPrice), d.coin)
      expect(engine.has('ATOM')).toBe(false)
      // PURR has no price anywhere: left out of the unified figures and listed, not a failed report.
      const res = await api.query<{ portfolios: { name: string; unifiedMargin: { unvaluedHoldings: { accountLabel: string; asset: string; amount: string }[] } | null }[] }>(`{ portfolios { name unifiedMargin { unvaluedHoldings { accountLabel asset amount } } } }`)
      expect(res.errors).toBeUndefined()
      const own = res.data!.portfolios.find((p) => p.name === 'Hyperliquid 2023')!
      expect(own.unifiedMargin!.unvaluedHoldings).toEqual([{ accountLabel: 'hyperliquid (spot)', asset: 'PURR', amount: '2000' }])
      // Nor do the portfolio's exposures value it at 0: PURR's USD figures are null, and say why.
      const exposures = await api.query<{ portfolios: { name: string; exposures: { asset: string; netUnits: string; priceUsd: string | null; netUsd: string | null; grossUsd: string | null; usdNullReason: string | null; byVenue: { usd: string | null }[] }[] }[] }>(
        `{ portfolios { name exposures { asset netUnits priceUsd netUsd grossUsd usdNullReason byVenue { usd } } } }`,
      )
      expect(exposures.errors).toBeUndefined()
      const purr = exposures.data!.portfolios.find((p) => p.name === 'Hyperliquid 2023')!.exposures.find((e) => e.asset === 'PURR')!
      expect(purr).toEqual({ asset: 'PURR', netUnits: '2000', priceUsd: null, netUsd: null, grossUsd: null, usdNullReason: 'nothing prices PURR: no venue states a price and no daily history has one', byVenue: [{ usd: null }] })
    } finally {
      await info.close()
    }
  })

  test('a stored Hyperliquid account with an isolated position: each part liquidates on its own margin, as Hyperliquid’s formula says', async () => {
    // venues/hyperliquid/testdata (README there): a cross BTC long (2 at 60,000, tiered table) and an isolated ETH short
    // (10 at 3,000, 25×) with 37,000 of raw USD; docs formula: BTC 60,000 − (22,000 − 1,500)/2/(1 − 1/80),
    // ETH 3,000 + (7,000 − 600)/10/(1 + 1/50).
    const testdata = path.join(root, 'venues', 'hyperliquid', 'testdata')
    const info = await startHyperliquidReplay({ clearinghouseState: path.join(testdata, 'clearinghouseState.cross-and-isolated.json'), meta: path.join(testdata, 'meta.tiered.json'), spotClearinghouseState: spotDocsExample })
    try {
      const config = hyperliquidDescriptor.configSchema.parse({ user: `0x${'5e'.repeat(20)}` })
      const env = { secret: () => undefined, timeoutMs: 5_000, urlOverrides: { hyperliquid: info.url }, logger: silentLogger() }
      const snapshot = await hyperliquidConnector.fetchAccount(hyperliquidConnector.createClient(config, env), config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })
      const engine = await engineLiquidationPrices('hyperliquid', snapshot)
      expect(engine.get('BTC')).toBeCloseTo(60000 - 20500 / 2 / (1 - 1 / 80), 2)
      expect(engine.get('ETH')).toBeCloseTo(3000 + 6400 / 10 / (1 + 1 / 50), 2)
    } finally {
      await info.close()
    }
  })

  test('a stored Binance USDⓈ-M account is margined at its own brackets: each liquidation price is Binance’s formula’s, across brackets', async () => {
    // The demo account (venues/binance/local/demo-account, computed by hand from Binance's documented brackets).
    const server = await startBinanceReplay({ fixtures: path.join(root, 'venues', 'binance', 'local', 'demo-account') })
    try {
      const snapshot = await fetchBinanceUsdm(server.url)
      expectEngineAtBinancePrices(snapshot, await engineLiquidationPrices('binance', snapshot))
    } finally {
      await server.close()
    }
  })

  test('a stored Binance account with an isolated position: it liquidates on its isolated wallet, the cross book on the rest', async () => {
    // The demo account with its ETH short made isolated on 1,000 USDT of its 20,000 (Binance's isolated formula:
    // WB = the isolated wallet, no other position's margin or P&L), the BTC long cross on the remaining 19,000.
    const demo = path.join(root, 'venues', 'binance', 'local', 'demo-account')
    const files = fixtureFiles(demo)
    const routes = binanceRoutes(files)
    const positionRisk = JSON.parse(readFileSync(files.positionRisk, 'utf8')) as Record<string, string>[]
    for (const p of positionRisk) if (p.symbol === 'ETHUSDT') Object.assign(p, { isolatedWallet: '1000', isolatedMargin: '1150' })
    const account = JSON.parse(readFileSync(files.account, 'utf8')) as { positions: { symbol: string; isolated: boolean }[]; assets: Record<string, string>[]; totalCrossWalletBalance: string }
    for (const p of account.positions) if (p.symbol === 'ETHUSDT') p.isolated = true
    account.totalCrossWalletBalance = '19000'
    for (const a of account.assets) if (a.asset === 'USDT') a.crossWalletBalance = '19000'
    routes['GET /fapi/v3/positionRisk'] = { ...routes['GET /fapi/v3/positionRisk']!, body: positionRisk }
    routes['GET /fapi/v2/positionRisk'] = { ...routes['GET /fapi/v2/positionRisk']!, body: positionRisk }
    routes['GET /fapi/v2/account'] = { ...routes['GET /fapi/v2/account']!, body: account }
    routes['GET /fapi/v3/account'] = { ...routes['GET /fapi/v3/account']!, body: account }
    const server = await startReplayServer({ routes })
    try {
      const snapshot = await fetchBinanceUsdm(server.url)
      expect(snapshot.positions.find((p) => p.instrument.venueSymbol === 'ETHUSDT')!.marginMode).toBe('isolated')
      // ETH short on 1,000 with MMR 0.5 %: (1,000 + 1.5 × 3,100) / (1.5 × 1.005) = 3,084.58; pooled it would be ~17,700.
      const eth = (snapshot.margin.details as { symbol: string; liquidationPrice: string | null }[]).find((d) => d.symbol === 'ETHUSDT')!
      expect(Number(eth.liquidationPrice)).toBeCloseTo((1000 + 1.5 * 3100) / (1.5 * 1.005), 6)
      expectEngineAtBinancePrices(snapshot, await engineLiquidationPrices('binance', snapshot, 'Binance isolated'))
    } finally {
      await server.close()
    }
  })

  test('the unified book margin calls watch: Σ equity in USD (a coin-margined venue’s at the coin price) over the unified IM', async () => {
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Book' } })
    const aave = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'aave-v3', label: 'aave', config: {} } })
    const deribit = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'deribit', label: 'deribit', config: {} } })
    const asOf = new Date('2025-12-31T00:00:00Z')
    await writeSnapshot(db.prisma, aave, lendingSnapshot(asOf, '2', '3000', '2970'), 1)
    // Deribit reports in BTC: an account holding 0.5 BTC of equity and nothing else.
    await writeSnapshot(db.prisma, deribit, { asOf, blockNumber: null, positions: [], balances: [], margin: { reported: figures('BTC', { equity: '0.5' }), replicated: figures('BTC'), details: null }, raw: {} }, 1)
    const ctx = portfolioSources(db.prisma, { now: () => new Date('2025-12-31T12:00:00Z'), priceHistory: cachedPriceHistory(db.prisma) })
    const riskCtx = (await portfolioRiskContext(ctx, portfolio.id))!
    const book = unifiedBook(riskCtx)
    // Aave reports no equity: its rule's, 2 × 2,970 − 3,000 = 2,940; Deribit's 0.5 BTC at the day's BTC close.
    expect(book.equity).toBeCloseTo(2940 + 0.5 * riskCtx.market.prices.BTC!, 6)
    const res = await api.query<{ portfolio: { unifiedMargin: { initialMargin: string } } }>(`query ($id: ID!) { portfolio(id: $id) { unifiedMargin { initialMargin } } }`, { id: portfolio.id })
    expect(book.initialMargin).toBeCloseTo(Number(res.data!.portfolio.unifiedMargin.initialMargin), 2)
  })

  test('whatIf names the line at fault and stores nothing', async () => {
    const portfolio = await db.prisma.portfolio.findFirstOrThrow({ where: { name: 'Stored' } })
    const before = await db.prisma.snapshot.count()
    const res = await api.query(`query ($id: ID!) { whatIf(portfolioId: $id, trades: [{ accountId: "nope", instrument: "ETHUSDT", size: "1" }]) { touchedAccountIds } }`, { id: portfolio.id })
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'INVALID_INPUT', field: 'trades[0].accountId' })
    expect(await db.prisma.snapshot.count()).toBe(before)
  })
})
