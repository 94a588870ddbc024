// GMX v2 against a local Arbitrum node answering as the Reader and DataStore (local/rpc-server.ts, from the position
// state documented in local/state.ts) and GMX's API replayed from recorded answers (gmx-interface SDK fixtures, see
// ../shared/data/venue-responses/gmx-v2/ and SOURCES.md). Prices below are read from the recorded tickers file.
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import { expect } from '../../test/support/expect.js'
import { Decimal } from '../../core/decimal.js'
import { silentLogger } from '../../core/logger.js'
import type { VenueSnapshot } from '../../core/domain.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import { verifyAccount } from '../../indexer/verify-account.js'
import { describeConnectorConformance, replayFault } from '../../test/support/connector-conformance.js'
import { startFaultProxy, type FaultProxy } from '../../test/support/fault-proxy.js'
import { readSharedJson, sharedDataPath } from '../../test/support/shared-data.js'
import { gmxV2Connector } from './connector.js'
import { gmxV2Descriptor } from './descriptor.js'
import { startGmxApiReplay } from './local/replay.js'
import { startLocalGmxRpc, type LocalGmxRpc } from './local/rpc-server.js'
import { MARKETS, TOKENS, TRADER, TRADER_B, UNKNOWN_MARKET, testState } from './local/state.js'

const d = (x: string | number) => new Decimal(x)
const apiFiles = {
  markets: sharedDataPath('venue-responses', 'gmx-v2', 'api-arbitrumMarkets.gmx-interface-sdk-fixture.json'),
  tokens: sharedDataPath('venue-responses', 'gmx-v2', 'api-arbitrumTokens.gmx-interface-sdk-fixture.json'),
  tickers: sharedDataPath('venue-responses', 'gmx-v2', 'api-arbitrumTickers.gmx-interface-sdk-fixture.json'),
}

/** A recorded ticker as USD per whole token: price / 10^(30 − decimals). */
function recordedPrice(token: string, decimals: number, side: 'minPrice' | 'maxPrice' = 'minPrice'): Decimal {
  const tickers = readSharedJson<{ tokenAddress: string; minPrice: string; maxPrice: string }[]>('venue-responses', 'gmx-v2', 'api-arbitrumTickers.gmx-interface-sdk-fixture.json')
  const row = tickers.find((t) => t.tokenAddress.toLowerCase() === token.toLowerCase())!
  return d(row[side]).div(d(10).pow(30 - decimals))
}

const env = (timeoutMs = 5_000) => ({ secret: () => undefined, timeoutMs, logger: silentLogger() })
const ctx = () => ({ signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })

describe('GMX v2 connector, local Reader and recorded API', () => {
  let rpc: LocalGmxRpc
  let api: ReplayServer
  beforeAll(async () => {
    rpc = await startLocalGmxRpc(testState())
    api = await startGmxApiReplay(apiFiles)
  })
  afterAll(async () => {
    await rpc?.close()
    await api?.close()
  })

  const configFor = (account: string, extra: Record<string, unknown> = {}) => gmxV2Descriptor.configSchema.parse({ chain: 'arbitrum', account, rpcUrl: rpc.url, apiUrl: api.url, ...extra })
  async function withClient<T>(account: string, run: (client: ReturnType<typeof gmxV2Connector.createClient>, config: ReturnType<typeof configFor>) => Promise<T>, extra: Record<string, unknown> = {}) {
    const config = configFor(account, extra)
    const client = gmxV2Connector.createClient(config, env())
    try {
      return await run(client, config)
    } finally {
      await gmxV2Connector.closeClient!(client)
    }
  }
  const fetchSnapshot = (account: string, extra: Record<string, unknown> = {}) => withClient(account, (client, config) => gmxV2Connector.fetchAccount(client, config, ctx()), extra)
  const verify = (account: string, extra: Record<string, unknown> = {}) => withClient(account, (client, config) => gmxV2Connector.verifyAccount!(client, config, ctx()), extra)
  const detail = (s: VenueSnapshot, market: string) =>
    (s.margin.details as { positions: { market: string; replicated: Record<string, string>; reported: Record<string, string> }[] }).positions.find((p) => p.market.toLowerCase() === market.toLowerCase())!

  const eth = () => recordedPrice(TOKENS.WETH, 18)
  const usdc = () => recordedPrice(TOKENS.USDC, 6)
  const btcMax = () => recordedPrice(TOKENS.BTC, 8, 'maxPrice')

  test('positions come through getAccountPositionInfoList at one block, sized in tokens and valued at the recorded tickers', async () => {
    const from = rpc.calls.length
    const s = await fetchSnapshot(TRADER)
    const fns = rpc.calls.slice(from).map((c) => c.fn).filter(Boolean)
    expect(fns).toContain('getAccountPositionInfoList')
    expect(fns).not.toContain('getPositionInfoList')
    expect(s.blockNumber).toBe(312_500_000n)
    expect(s.positions.map((p) => [p.instrument.venueSymbol, p.instrument.underlying, p.size, p.entryPrice, p.marginMode])).toEqual([
      ['ETH/USD [ETH-USDC]', 'ETH', '6.25', '1600', 'isolated'],
      ['BTC/USD [WBTC.b-USDC]', 'BTC', '-0.46875', '64000', 'isolated'],
      [MARKETS.UNLISTED_ETH.marketToken, 'ETH', '-1.25', '1600', 'isolated'],
    ])
    // A long is valued at the min price, a short at the max (Price.pickPriceForPnl); the Reader's P&L is kept.
    expect(s.positions[0]!.markPrice).toBe(eth().toFixed())
    expect(s.positions[0]!.unrealizedPnl).toBe(d('6.25').mul(eth()).minus(10000).toFixed())
    expect(d(s.positions[1]!.unrealizedPnl!).minus(d(30000).minus(d('0.46875').mul(btcMax()))).abs().toNumber()).toBeLessThan(1e-12)
  })

  test('collateral, pending fees and claimable funding are separate balances', async () => {
    const s = await fetchSnapshot(TRADER)
    const rows = s.balances.map((b) => [b.asset, b.kind, b.amount, b.flags])
    // 12.50 USD of borrowing fee at the WETH min price, rounded down to wei as PositionPricingUtils does, + 0.0012 WETH.
    const ethPriceRaw = 1739495434083952n
    const feeWei = (12_500_000_000_000_000_000_000_000_000_000n / ethPriceRaw) + 1_200_000_000_000_000n
    expect(rows).toEqual([
      ['ETH', 'collateral', '1', []],
      ['ETH', 'debt', d(feeWei.toString()).div('1e18').toFixed(), ['pending-fees']],
      ['USDC', 'wallet', '3.2', ['claimable-funding']],
      ['USDC', 'collateral', '2000', []],
      ['USDC', 'debt', '10.252732', ['pending-fees']], // 8.75 USD / 0.9996878602910879 (rounded down to 1e-6) + 1.5
      ['WBTC.b', 'wallet', '0.00001', ['claimable-funding']],
      ['USDC', 'collateral', '500', ['unknown-market']],
    ])
    expect(s.balances[0]!.valueUsd).toBe(eth().toFixed())
  })

  test('the Reader’s figures and ours agree: collateral, P&L, remaining collateral', async () => {
    const s = await fetchSnapshot(TRADER)
    const { reported, replicated } = s.margin
    expect(replicated.totalCollateral).toBe(reported.totalCollateral)
    // Σ 1 × ETH + 2,000 × USDC + 500 × USDC, every price from the recorded tickers.
    expect(replicated.totalCollateral).toBe(eth().plus(usdc().mul(2500)).toFixed())
    expect(d(replicated.equity!).minus(reported.equity!).abs().toNumber()).toBeLessThan(1e-12)
    expect(d(replicated.totalDebt!).minus(reported.totalDebt!).abs().toNumber()).toBeLessThan(1e-12)
    for (const market of [MARKETS.ETH_USD, MARKETS.BTC_USD, MARKETS.UNLISTED_ETH]) {
      const row = detail(s, market.marketToken)
      expect(d(row.replicated.pnlUsd!).minus(row.reported.pnlUsd!).abs().toNumber(), market.marketToken).toBeLessThan(1e-12)
    }
  })

  test('the BTC short’s remaining collateral and liquidation price are the closed form', async () => {
    const s = await fetchSnapshot(TRADER)
    const row = detail(s, MARKETS.BTC_USD.marketToken)
    // The 18 USD closing and 8.75 USD borrowing fees are owed in USDC, rounded down to 1e-6 USDC at the USDC min price
    // (PositionPricingUtils: amount = usd / price); the contract counts amount × price.
    const usdcRaw = 999687860291087900000000n
    const feeUsd = (dollars: bigint) => d(((dollars * 10n ** 30n) / usdcRaw * usdcRaw).toString()).div('1e30')
    const fees = feeUsd(18n).plus(d(((875n * 10n ** 28n) / usdcRaw * usdcRaw).toString()).div('1e30'))
    // remaining = (2,000 − 1.5 funding) USDC × USDC + (30,000 − 0.46875 × BTC max) − 15 impact − fees.
    const remaining = d('1998.5').mul(usdc()).plus(d(30000).minus(d('0.46875').mul(btcMax()))).minus(15).minus(fees)
    expect(d(row.replicated.remainingCollateralUsd!).minus(remaining).abs().toNumber()).toBeLessThan(1e-12)
    // Liquidated below max(30,000 × 0.4 %, 1 USD) = 120: P = ((2,000 − 1.5) × USDC + 30,000 − 15 − fees − 120) / 0.46875.
    const price = d('1998.5').mul(usdc()).plus(30000).minus(15).minus(fees).minus(120).div('0.46875')
    expect(d(s.positions[1]!.liquidationPrice!).minus(price).abs().toNumber()).toBeLessThan(1e-9)
    // At that price the remainder is the 120 threshold.
    const atPrice = d('1998.5').mul(usdc()).plus(d(30000).minus(d('0.46875').mul(s.positions[1]!.liquidationPrice!))).minus(15).minus(fees)
    expect(atPrice.minus(120).abs().toNumber()).toBeLessThan(1e-9)
  })

  test('the ETH long backed by WETH liquidates where collateral and position fall together', async () => {
    const s = await fetchSnapshot(TRADER)
    // (1 − 0.0012)·P + 6.25·P − 10,000 − 4.1 − 0.002·P − 18.5 = 50 (0.5 % of 10,000), as in margin.test.ts.
    expect(d(s.positions[0]!.liquidationPrice!).minus(d('10072.6').div('7.2468')).abs().toNumber()).toBeLessThan(1e-9)
  })

  test('initial and maintenance margin come from the DataStore factors read under Keys.sol’s keys', async () => {
    const s = await fetchSnapshot(TRADER)
    // MIN_COLLATERAL_FACTOR 1 %, 1 %, 2 %; MIN_COLLATERAL_FACTOR_FOR_LIQUIDATION 0.5 %, 0.4 %, 1 % of 10,000, 30,000, 2,000.
    expect(s.positions.map((p) => [p.venueInitialMargin, p.venueMaintenanceMargin])).toEqual([
      ['100', '50'],
      ['300', '120'],
      ['40', '20'],
    ])
    expect(s.margin.replicated).toMatchObject({ currency: 'USD', initialMargin: '440', maintenanceMargin: '190' })
    // The worst position's threshold over its remainder: the unlisted ETH short, 20 over what is left of its 500 USDC.
    const unlisted = detail(s, MARKETS.UNLISTED_ETH.marketToken)
    expect(s.margin.replicated.marginRatio).toBe(d(20).div(unlisted.replicated.remainingCollateralUsd!).toDecimalPlaces(12).toFixed())
  })

  test('a market the API does not list is read from the chain, priced, and the position kept and flagged', async () => {
    const s = await fetchSnapshot(TRADER)
    const p = s.positions.find((q) => q.instrument.venueSymbol === MARKETS.UNLISTED_ETH.marketToken)!
    expect(p.flags).toEqual(['unknown-market'])
    expect(p.liquidationPrice).not.toBeNull()
  })

  test('positions on a market nobody prices, or one the chain does not know, are kept and flagged with no made-up figures', async () => {
    const from = rpc.calls.length
    const s = await fetchSnapshot(TRADER_B)
    // The account-wide call would revert on the unpriced market (EmptyMarketPrice): the priced one is read by key.
    expect(rpc.calls.slice(from).map((c) => c.fn)).toContain('getPositionInfoList')
    expect(s.positions.map((p) => [p.instrument.venueSymbol, p.size, p.flags])).toEqual([
      ['ETH/USD [ETH-USDC]', '0.625', []],
      [MARKETS.UNPRICED.marketToken, '42000000000000000000', ['unknown-market', 'unpriced', 'size-in-smallest-units']],
      [UNKNOWN_MARKET, '-7000000', ['unknown-market', 'unpriced', 'size-in-smallest-units']],
    ])
    for (const p of s.positions.slice(1)) expect([p.markPrice, p.liquidationPrice, p.unrealizedPnl, p.venueMaintenanceMargin]).toEqual([null, null, null, null])
    expect(s.positions[0]!.liquidationPrice).not.toBeNull()
    // Account totals would leave those positions out: unknown, not understated.
    expect(s.margin.reported.equity).toBeNull()
    expect(s.margin.replicated.equity).toBeNull()
    expect(s.balances.filter((b) => b.kind === 'collateral').map((b) => [b.amount, b.valueUsd])).toEqual([
      ['200', d(200).mul(usdc()).toFixed()],
      ['100', null],
      ['50', null],
    ])
  })

  test('an account with no positions is an empty snapshot, not an error', async () => {
    const s = await fetchSnapshot('0x0000000000000000000000000000000000000abc')
    expect(s.positions).toEqual([])
    expect(s.margin.replicated).toMatchObject({ equity: '0', maintenanceMargin: '0' })
  })

  test('a latest block older than maxBlockAgeSeconds is VenueUnavailable', async () => {
    rpc.setBlockAgeSeconds(600)
    try {
      await expect(fetchSnapshot(TRADER)).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE', message: expect.stringMatching(/^gmx-v2: the RPC's latest block 312500000 is 60\d s old \(maxBlockAgeSeconds 120\)/) })
      await expect(fetchSnapshot(TRADER, { maxBlockAgeSeconds: 900 })).resolves.toBeTruthy()
    } finally {
      rpc.setBlockAgeSeconds(2)
    }
  })

  test('an RPC serving another chain is refused on fetch, and named as the chain key on verify', async () => {
    rpc.setChainId(1)
    try {
      await expect(fetchSnapshot(TRADER)).rejects.toMatchObject({ code: 'VENUE_REJECTED', message: expect.stringMatching(/serves chain 1, the account is on arbitrum \(42161\)/) })
      await expect(verify(TRADER)).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'chain' })
    } finally {
      rpc.setChainId(42161)
    }
  })

  test('verify passes for GMX’s contracts on the right chain', async () => {
    await expect(verify(TRADER)).resolves.toEqual({ warnings: [] })
  })

  test('verify names the reader when no contract is at its address', async () => {
    const state = testState()
    rpc.setCode(state.reader, null)
    try {
      await expect(verify(TRADER)).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'reader', detail: `no contract at ${state.reader} on arbitrum` })
    } finally {
      rpc.setCode(state.reader, '0x6080')
    }
    await expect(verify(TRADER, { reader: '0x9999999999999999999999999999999999999999' })).rejects.toMatchObject({ field: 'reader' })
    await expect(verify(TRADER, { dataStore: '0x9999999999999999999999999999999999999999' })).rejects.toMatchObject({ field: 'dataStore' })
  })

  test('verify names the reader when the contract there does not answer as GMX v2’s Reader', async () => {
    // ReferralStorage is a contract, but not a Reader: the call reverts.
    await expect(verify(TRADER, { reader: testState().referralStorage })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'reader', detail: expect.stringMatching(/does not answer as a GMX v2 Reader/) })
  })

  test('through the account verifier, a missing Reader stops the add with config.reader named', async () => {
    const config = configFor(TRADER, { reader: '0x9999999999999999999999999999999999999999' })
    const deps = { venues: { 'gmx-v2': gmxV2Connector }, clientEnv: env(), timeoutMs: 10_000, logger: silentLogger() }
    await expect(verifyAccount(deps, { venue: 'gmx-v2', label: 'gmx', config })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'config.reader' })
  })
})

let rpcBehindProxy: LocalGmxRpc
let proxy: FaultProxy
let apiReplay: ReplayServer
describeConnectorConformance('gmx-v2', {
  connector: gmxV2Connector,
  async start() {
    rpcBehindProxy = await startLocalGmxRpc(testState())
    proxy = await startFaultProxy(rpcBehindProxy.url)
    apiReplay = await startGmxApiReplay(apiFiles)
    return { config: { chain: 'arbitrum', account: TRADER, rpcUrl: `${proxy.url}/?apikey=secret-key-123`, apiUrl: apiReplay.url }, env: env(1_000) }
  },
  setFault(fault) {
    // The node and the API misbehave together; whichever the connector meets first must become a typed error.
    proxy.setFault(fault)
    apiReplay.setFault('*', replayFault(fault))
  },
  async stop() {
    await proxy?.close()
    await rpcBehindProxy?.close()
    await apiReplay?.close()
  },
  secrets: ['secret-key-123'],
  invalidConfig: { config: { chain: 'optimism', account: TRADER, rpcUrl: 'http://127.0.0.1:8545' }, key: 'chain' },
})
