// Aave v3 on a local chain with the real contracts: our replication of the account rule equals what the Pool
// contract itself answers (getUserAccountData), to the last unit, through collateral switches, LTV 0, e-mode with
// its own price source, oracle moves and an account below HF 1. One chain and one market for the whole file.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { startAnvil, type LocalChain } from './local/anvil.js'
import { DEFAULT_RESERVES, deployAaveMarket, type LocalAaveMarket } from './local/deploy-market.js'
import { aaveV3Connector } from './connector.js'
import { aaveV3Descriptor } from './descriptor.js'
import { silentLogger } from '../../core/logger.js'
import { fromFixedPoint } from '../../core/decimal.js'
import { describeConnectorConformance } from '../../test/support/connector-conformance.js'
import { startFaultProxy, type FaultProxy } from '../../test/support/fault-proxy.js'
import type { VenueSnapshot } from '../../core/domain.js'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { POOL } from './abi.js'

const ctx = () => ({ signal: AbortSignal.timeout(20_000), logger: silentLogger(), now: () => new Date() })
const env = { secret: () => undefined, timeoutMs: 10_000, logger: silentLogger() }

// Two extra reserves with Aave v3 Ethereum-like parameters, so that scenarios which move a price or a reserve
// parameter touch only their own wallet: WBTC (8 decimals) and CRV.
const RESERVES = [
  ...DEFAULT_RESERVES,
  { symbol: 'WBTC', name: 'Wrapped BTC', decimals: 8, priceUsd: '60000', ltvBps: 7300, liquidationThresholdBps: 7800, liquidationBonusBps: 10500, seedLiquidity: '100' },
  { symbol: 'CRV', name: 'Curve DAO Token', decimals: 18, priceUsd: '0.5', ltvBps: 3500, liquidationThresholdBps: 4100, liquidationBonusBps: 10830, seedLiquidity: '1000000' },
]

let shared: Promise<{ chain: LocalChain; market: LocalAaveMarket }> | null = null
function localMarket() {
  shared ??= (async () => {
    const chain = await startAnvil()
    return { chain, market: await deployAaveMarket(chain.rpcUrl, RESERVES) }
  })()
  return shared
}
afterAll(async () => {
  if (!shared) return
  const { chain, market } = await shared
  market.close()
  await chain.stop()
})

describe('Aave v3 against the real contracts on anvil', () => {
  let chain: LocalChain
  let market: LocalAaveMarket
  let user: string

  beforeAll(async () => {
    ;({ chain, market } = await localMarket())
    user = market.wallets[1]!
    await market.fundAndSupply(user, 'WETH', '2')
    await market.fundAndSupply(user, 'USDC', '3000')
    await market.borrow(user, 'USDC', '1000')
  })

  async function fetchSnapshot(wallet = user): Promise<VenueSnapshot> {
    const config = aaveV3Descriptor.configSchema.parse({ rpcUrl: chain.rpcUrl, poolAddressesProvider: market.addresses.poolAddressesProvider, user: wallet, chainId: market.chainId })
    const client = aaveV3Connector.createClient(config, env)
    try {
      return await aaveV3Connector.fetchAccount(client, config, ctx())
    } finally {
      await aaveV3Connector.closeClient!(client)
    }
  }

  /** The Pool's own getUserAccountData at the snapshot's block, against both our replication and the reported figures. */
  async function expectEqualsContract(snapshot: VenueSnapshot, wallet = user) {
    const [collateral, debt, available, threshold, ltv, hf] = (await market.pool().getFunction('getUserAccountData')(wallet, { blockTag: snapshot.blockNumber! })) as bigint[]
    const { replicated, reported } = snapshot.margin
    // Base currency is USD with 8 decimals, LT and LTV are bps, HF has 18 decimals: exact strings of the contract's integers.
    expect(replicated.totalCollateral).toBe(fromFixedPoint(collateral!, 8))
    expect(replicated.totalDebt).toBe(fromFixedPoint(debt!, 8))
    expect(replicated.availableBorrows).toBe(fromFixedPoint(available!, 8))
    expect(replicated.liquidationThreshold).toBe(fromFixedPoint(threshold!, 4))
    expect(replicated.ltv).toBe(fromFixedPoint(ltv!, 4))
    expect(replicated.healthFactor).toBe(debt === 0n ? null : fromFixedPoint(hf!, 18))
    expect(reported).toEqual(replicated)
    const raw = snapshot.raw as { userAccountData: Record<string, string> }
    expect(raw.userAccountData).toEqual({ totalCollateralBase: `${collateral}`, totalDebtBase: `${debt}`, availableBorrowsBase: `${available}`, currentLiquidationThreshold: `${threshold}`, ltv: `${ltv}`, healthFactor: `${hf}` })
    return { collateral: collateral!, debt: debt!, threshold: threshold!, ltv: ltv!, hf: hf! }
  }

  test('collateral, debt, LTV, threshold, available borrows and health factor equal getUserAccountData exactly', async () => {
    const snapshot = await fetchSnapshot()
    await expectEqualsContract(snapshot)
    // Independent hand check: the weighted threshold (4000 × 8250 + 3000 × 8000) / 7000 = 8142.857 bps is
    // truncated to 8142 by the contract's integer division, so HF = 7000 × 0.8142 / 1000 = 5.6994 (not 5.7).
    expect(snapshot.margin.replicated.liquidationThreshold).toBe('0.8142')
    expect(snapshot.margin.replicated.totalCollateral).toBe('7000')
    expect(Number(snapshot.margin.replicated.healthFactor)).toBeCloseTo(5.6994, 3)
  })

  test('the snapshot is pinned to one block and dated by that block', async () => {
    const snapshot = await fetchSnapshot()
    const block = await market.provider.getBlock(Number(snapshot.blockNumber))
    expect(snapshot.asOf.getTime()).toBe(block!.timestamp * 1000)
    expect((snapshot.raw as { blockNumber: number }).blockNumber).toBe(Number(snapshot.blockNumber))
  })

  test('balances: collateral per reserve and debt as separate records, priced by the oracle', async () => {
    const snapshot = await fetchSnapshot()
    const byKey = Object.fromEntries(snapshot.balances.map((b) => [`${b.kind}:${b.asset}`, b]))
    expect(byKey['collateral:WETH']).toMatchObject({ canonicalAsset: 'ETH', amount: '2', priceUsd: '2000', valueUsd: '4000', usableAsCollateral: true, flags: [] })
    expect(byKey['collateral:USDC']).toMatchObject({ canonicalAsset: 'USD', amount: '3000', usableAsCollateral: true })
    expect(byKey['debt:USDC']).toMatchObject({ canonicalAsset: 'USD', priceUsd: '1', usableAsCollateral: null })
    // A few blocks of variable interest at most: 1000 ≤ debt < 1000.01.
    expect(Number(byKey['debt:USDC']!.amount)).toBeGreaterThanOrEqual(1000)
    expect(Number(byKey['debt:USDC']!.amount)).toBeLessThan(1000.01)
    expect(Object.keys(byKey).sort()).toEqual(['collateral:USDC', 'collateral:WETH', 'debt:USDC'])
    expect(snapshot.positions).toEqual([])
  })

  test('when the oracle moves WETH down, the health factor follows and still equals the contract', async () => {
    const before = await fetchSnapshot()
    await market.setAssetPriceUsd('WETH', '1200')
    try {
      const after = await fetchSnapshot()
      const onChain = await expectEqualsContract(after)
      expect(onChain.hf).toBeLessThan(BigInt((await expectEqualsContract(before)).hf))
      // Threshold (2400 × 8250 + 3000 × 8000) / 5400 = 8111.1 → 8111; HF = 5400 × 0.8111 / debt ≈ 4.38 (debt ≈ 1000).
      expect(after.margin.replicated.liquidationThreshold).toBe('0.8111')
      expect(Number(after.margin.replicated.healthFactor)).toBeCloseTo(4.38, 2)
      expect(after.balances.find((b) => b.asset === 'WETH')).toMatchObject({ priceUsd: '1200', valueUsd: '2400' })
    } finally {
      await market.setAssetPriceUsd('WETH', '2000')
    }
  })

  test('a crash that takes an account below HF 1 is replicated exactly too', async () => {
    const wallet = market.wallets[7]!
    await market.fundAndSupply(wallet, 'WBTC', '0.1')
    await market.borrow(wallet, 'USDC', '4000')
    // 0.1 WBTC at 60,000: HF = 6000 × 0.78 / 4000 = 1.17. At 50,000: 5000 × 0.78 / 4000 = 0.975, liquidatable.
    await market.setAssetPriceUsd('WBTC', '50000')
    try {
      const snapshot = await fetchSnapshot(wallet)
      const onChain = await expectEqualsContract(snapshot, wallet)
      expect(onChain.hf).toBeLessThan(10n ** 18n)
      expect(Number(snapshot.margin.replicated.healthFactor)).toBeCloseTo(0.975, 3)
      expect(snapshot.margin.replicated.availableBorrows).toBe('0')
    } finally {
      await market.setAssetPriceUsd('WBTC', '60000')
    }
  })

  test('a reserve the user switched off as collateral counts nothing, and its balance says so', async () => {
    const wallet = market.wallets[3]!
    await market.fundAndSupply(wallet, 'WETH', '1')
    await market.fundAndSupply(wallet, 'USDC', '1000')
    await market.setUseAsCollateral(wallet, 'USDC', false)
    await market.borrow(wallet, 'WBTC', '0.01')
    const snapshot = await fetchSnapshot(wallet)
    await expectEqualsContract(snapshot, wallet)
    // Only WETH counts: 1 × 2000 = 2000 collateral, LT 82.5 %, LTV 80 %.
    expect(snapshot.margin.replicated).toMatchObject({ totalCollateral: '2000', liquidationThreshold: '0.825', ltv: '0.8' })
    expect(snapshot.balances.find((b) => b.kind === 'collateral' && b.asset === 'USDC')).toMatchObject({ amount: '1000', usableAsCollateral: false })
  })

  test('collateral whose LTV governance set to 0 still weighs in the threshold but not in the LTV', async () => {
    const wallet = market.wallets[4]!
    await market.fundAndSupply(wallet, 'CRV', '10000')
    await market.fundAndSupply(wallet, 'WETH', '1')
    await market.borrow(wallet, 'USDC', '500')
    await market.configureReserveAsCollateral('CRV', 0, 4100, 10830)
    const snapshot = await fetchSnapshot(wallet)
    await expectEqualsContract(snapshot, wallet)
    // CRV 10,000 × 0.5 = 5000 and WETH 2000: LTV (2000 × 8000) / 7000 = 2285.7 → 2285 bps; threshold
    // (5000 × 4100 + 2000 × 8250) / 7000 = 5285.7 → 5285 bps.
    expect(snapshot.margin.replicated).toMatchObject({ totalCollateral: '7000', ltv: '0.2285', liquidationThreshold: '0.5285' })
    expect((snapshot.margin.details as { hasZeroLtvCollateral: boolean }).hasZeroLtvCollateral).toBe(true)
    expect(snapshot.balances.find((b) => b.asset === 'CRV')).toMatchObject({ usableAsCollateral: true, flags: ['ltv-zero'] })
  })

  test('a user in an e-mode category gets its LT and LTV, and its price source prices the category’s assets', async () => {
    const wallet = market.wallets[6]!
    // A stablecoin category with its own price source at 0.99 (so the e-mode price visibly differs from USDC's 1.00).
    await market.configureEModeCategory({ id: 1, label: 'Stablecoins', ltvBps: 9300, liquidationThresholdBps: 9500, liquidationBonusBps: 10100, assets: ['USDC'], priceUsd: '0.99' })
    await market.setUserEMode(wallet, 1)
    await market.fundAndSupply(wallet, 'USDC', '10000')
    await market.fundAndSupply(wallet, 'WETH', '1')
    await market.borrow(wallet, 'USDC', '8000')
    const snapshot = await fetchSnapshot(wallet)
    await expectEqualsContract(snapshot, wallet)
    // USDC at 0.99: 9900 with LT 95 % / LTV 93 %; WETH 2000 outside the category keeps 82.5 % / 80 %.
    // Threshold (9900 × 9500 + 2000 × 8250) / 11900 = 9289.9 → 9289; LTV (9900 × 9300 + 2000 × 8000) / 11900 = 9081.5 → 9081.
    expect(snapshot.margin.replicated).toMatchObject({ totalCollateral: '11900', liquidationThreshold: '0.9289', ltv: '0.9081' })
    expect(snapshot.margin.details).toMatchObject({ eModeCategory: '1', eModePriceBase: '99000000' })
    // The weights the risk engine gets: USDC at the category's, WETH at its own.
    expect((snapshot.margin.details as { collateralFactors: unknown[] }).collateralFactors).toEqual(expect.arrayContaining([
      { asset: 'USDC', ltv: '0.93', liquidationThreshold: '0.95' },
      { asset: 'WETH', ltv: '0.8', liquidationThreshold: '0.825' },
    ]))
    expect((snapshot.margin.details as { collateralFactors: unknown[] }).collateralFactors).toHaveLength(2)
    // Balances keep USDC's own oracle price; only the account figures use the category's.
    expect(snapshot.balances.find((b) => b.kind === 'collateral' && b.asset === 'USDC')).toMatchObject({ priceUsd: '1', valueUsd: '10000' })
  })

  test('Aave v3.2+ liquid e-modes: membership by the category’s collateral bitmap, not the stale category in the reserve’s word; v3.3 liquidation rules', async () => {
    // The local market is v3.0, so a JSON-RPC proxy in front of it answers as a v3.2+ pool does (aave-v3-origin
    // docs/3.2, "Liquid eModes"): getEModeCategoryCollateralConfig/Bitmap/Label for the category, getEModeCategoryData
    // reverting (deprecated, may be removed), and every reserve's configuration word with its e-mode bits (168–175)
    // cleared, as they are no longer kept. The v3.0 pool's getUserAccountData still applies the category to WBTC:
    // only the bitmap can tell us so.
    const wallet = market.wallets[9]!
    await market.configureEModeCategory({ id: 2, label: 'BTC correlated', ltvBps: 9000, liquidationThresholdBps: 9300, liquidationBonusBps: 10200, assets: ['WBTC'] })
    await market.setUserEMode(wallet, 2)
    await market.fundAndSupply(wallet, 'WBTC', '1')
    await market.fundAndSupply(wallet, 'WETH', '1')
    // A v3.0 pool lends a user in e-mode only assets of the category.
    await market.borrow(wallet, 'WBTC', '0.5')
    const pool = market.addresses.pool.toLowerCase()
    const wbtcId = ((await market.pool().getFunction('getReserveData')(market.addresses.tokens.WBTC!)) as { id: bigint }).id
    const direct = await fetchSnapshot(wallet)
    const proxy = await startV32PoolProxy(chain.rpcUrl, pool, { id: 2n, ltv: 9000n, liquidationThreshold: 9300n, liquidationBonus: 10200n, label: 'BTC correlated', collateralBitmap: 1n << wbtcId })
    try {
      const config = aaveV3Descriptor.configSchema.parse({ rpcUrl: proxy.url, poolAddressesProvider: market.addresses.poolAddressesProvider, user: wallet, chainId: market.chainId, multicall3: false })
      const client = aaveV3Connector.createClient(config, env)
      const snapshot = await aaveV3Connector.fetchAccount(client, config, ctx()).finally(() => aaveV3Connector.closeClient!(client))
      expect(proxy.answered).toEqual(expect.arrayContaining(['getEModeCategoryCollateralConfig', 'getEModeCategoryCollateralBitmap', 'getReserveData']))
      await expectEqualsContract(snapshot, wallet)
      // WBTC 60,000 at the category's 93 % / 90 %, WETH 2,000 at its own 82.5 % / 80 %.
      expect(snapshot.margin.replicated).toMatchObject({ totalCollateral: '62000', liquidationThreshold: fromFixedPoint(((60000n * 9300n + 2000n * 8250n) * 10n ** 4n) / 62000n / 10n ** 4n, 4) })
      expect((snapshot.margin.details as { collateralFactors: unknown[] }).collateralFactors).toEqual(expect.arrayContaining([{ asset: 'WBTC', ltv: '0.9', liquidationThreshold: '0.93' }]))
      // A pool answering getReserveDeficit liquidates by v3.3's rules; the plain v3.0 pool by v3.0's.
      expect((snapshot.margin.details as { liquidationSimulation: { rules: string }[] }).liquidationSimulation.map((l) => l.rules)).toEqual(['v3.3', 'v3.3'])
      expect((direct.margin.details as { liquidationSimulation: { rules: string }[] }).liquidationSimulation.map((l) => l.rules)).toEqual(['v3.0', 'v3.0'])
    } finally {
      await proxy.close()
    }
  })

  test('an account holding only WETH liquidates where 1 WETH × P × 0.825 equals its debt', async () => {
    const wallet = market.wallets[2]!
    await market.fundAndSupply(wallet, 'WETH', '1')
    await market.borrow(wallet, 'USDC', '1200')
    const snapshot = await fetchSnapshot(wallet)
    const details = snapshot.margin.details as { liquidationPrices: { asset: string; priceUsd: number | null }[] }
    const debt = Number(snapshot.margin.reported.totalDebt)
    // HF = 1 ⇔ 1 WETH × P × 0.825 = debt  ⇒  P = debt / 0.825 (≈ 1454.5 for 1200 USDC).
    expect(details.liquidationPrices.find((p) => p.asset === 'WETH')!.priceUsd).toBeCloseTo(debt / 0.825, 6)
  })

  test('no WETH price alone liquidates an account whose USDC collateral already covers its debt', async () => {
    const snapshot = await fetchSnapshot()
    const details = snapshot.margin.details as { liquidationPrices: { asset: string; priceUsd: number | null }[] }
    // USDC collateral alone (3000 × 0.8 = 2400) covers a 1000 debt.
    expect(details.liquidationPrices.find((p) => p.asset === 'WETH')!.priceUsd).toBeNull()
  })

  test('a wallet with no position has no balances and no health factor (the contract answers 2^256 − 1)', async () => {
    const snapshot = await fetchSnapshot(market.wallets[5])
    await expectEqualsContract(snapshot, market.wallets[5])
    expect(snapshot.balances).toEqual([])
    expect((snapshot.raw as { userAccountData: { healthFactor: string } }).userAccountData.healthFactor).toBe(`${2n ** 256n - 1n}`)
    expect(snapshot.margin.reported.healthFactor).toBeNull()
  })

  test('an RPC serving another chain than configured is refused', async () => {
    const config = aaveV3Descriptor.configSchema.parse({ rpcUrl: chain.rpcUrl, poolAddressesProvider: market.addresses.poolAddressesProvider, user, chainId: 1 })
    const client = aaveV3Connector.createClient(config, env)
    await expect(aaveV3Connector.fetchAccount(client, config, ctx())).rejects.toMatchObject({ code: 'VENUE_REJECTED', message: expect.stringMatching(/serves chain 31337.*configured for chain 1/) })
    await aaveV3Connector.closeClient!(client)
  })

  test('an RPC whose latest block is older than maxBlockAgeSeconds lags behind the chain: refused as transient, not stored', async () => {
    const config = aaveV3Descriptor.configSchema.parse({ rpcUrl: chain.rpcUrl, poolAddressesProvider: market.addresses.poolAddressesProvider, user, maxBlockAgeSeconds: 60 })
    const client = aaveV3Connector.createClient(config, env)
    const block = await client.provider.getBlock('latest')
    // The wall clock 61 s after the node's latest block: one second past the limit (60 s exactly still passes).
    const at = (seconds: number) => ({ ...ctx(), now: () => new Date((block!.timestamp + seconds) * 1000) })
    await expect(aaveV3Connector.fetchAccount(client, config, at(61))).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE', message: expect.stringMatching(/latest block \d+ is 61 s old \(maxBlockAgeSeconds 60\); the node is behind/) })
    await expect(aaveV3Connector.fetchAccount(client, config, at(60))).resolves.toMatchObject({ blockNumber: expect.anything() })
    await aaveV3Connector.closeClient!(client)
  })

  test('a pool addresses provider address with no contract is a rejection naming the key, not a retryable failure', async () => {
    const config = aaveV3Descriptor.configSchema.parse({ rpcUrl: chain.rpcUrl, poolAddressesProvider: `0x${'12'.repeat(20)}`, user })
    const client = aaveV3Connector.createClient(config, env)
    await expect(aaveV3Connector.fetchAccount(client, config, ctx())).rejects.toMatchObject({ code: 'VENUE_REJECTED', message: expect.stringMatching(/aave-v3: .*no contract answered.*poolAddressesProvider/) })
    await aaveV3Connector.closeClient!(client)
  })

  test('verifyAccount: a wrong chain, an address with no contract, or one that is not a provider is refused naming the key', async () => {
    const verify = async (extra: object) => {
      const config = aaveV3Descriptor.configSchema.parse({ rpcUrl: chain.rpcUrl, poolAddressesProvider: market.addresses.poolAddressesProvider, user, ...extra })
      const client = aaveV3Connector.createClient(config, env)
      try {
        return await aaveV3Connector.verifyAccount!(client, config, ctx())
      } finally {
        await aaveV3Connector.closeClient!(client)
      }
    }
    await expect(verify({ chainId: market.chainId })).resolves.toEqual({ warnings: [] })
    await expect(verify({ chainId: 1 })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'chainId', message: expect.stringMatching(/serves chain 31337/) })
    await expect(verify({ poolAddressesProvider: `0x${'12'.repeat(20)}` })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'poolAddressesProvider', message: expect.stringMatching(/no contract at/) })
    // A contract, but not a provider: the Pool itself has no getPool().
    await expect(verify({ poolAddressesProvider: market.addresses.pool })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'poolAddressesProvider', message: expect.stringMatching(/not an Aave v3 PoolAddressesProvider/) })
  })

  test('an RPC URL override from the environment is used in place of the configured one', async () => {
    const config = aaveV3Descriptor.configSchema.parse({ rpcUrl: 'http://127.0.0.1:1', poolAddressesProvider: market.addresses.poolAddressesProvider, user })
    const client = aaveV3Connector.createClient(config, { ...env, urlOverrides: { rpc: chain.rpcUrl } })
    const snapshot = await aaveV3Connector.fetchAccount(client, config, ctx())
    await aaveV3Connector.closeClient!(client)
    expect(snapshot.margin.reported.totalCollateral).toBe('7000')
  })
})

let proxy: FaultProxy
describeConnectorConformance('aave-v3', {
  connector: aaveV3Connector,
  async start() {
    const { chain, market } = await localMarket()
    const wallet = market.wallets[8]!
    await market.fundAndSupply(wallet, 'WETH', '1')
    proxy = await startFaultProxy(chain.rpcUrl)
    return {
      config: { rpcUrl: `${proxy.url}/?apikey=secret-key-123`, poolAddressesProvider: market.addresses.poolAddressesProvider, user: wallet },
      env: { ...env, timeoutMs: 1_000 },
    }
  },
  setFault: (fault) => proxy.setFault(fault),
  async stop() {
    await proxy?.close()
  },
  secrets: ['secret-key-123'],
  invalidConfig: { config: { rpcUrl: 'http://127.0.0.1:8545', poolAddressesProvider: '0x1234', user: `0x${'ab'.repeat(20)}` }, key: 'poolAddressesProvider' },
})

/**
 * A JSON-RPC proxy in front of the local (v3.0) chain answering the pool's e-mode reads as Aave v3.3+ does: the
 * category from the v3.2 getters, the legacy getter reverting, reserve configuration words without e-mode bits, and
 * getReserveDeficit (v3.3) answering.
 */
async function startV32PoolProxy(target: string, pool: string, category: { id: bigint; ltv: bigint; liquidationThreshold: bigint; liquidationBonus: bigint; label: string; collateralBitmap: bigint }) {
  const answered: string[] = []
  const EMODE_BITS = 0xffn << 168n
  async function call(request: { id: unknown; method: string; params: unknown[] }): Promise<unknown> {
    const tx = request.params?.[0] as { to?: string; data?: string } | undefined
    const fn = request.method === 'eth_call' && tx?.to?.toLowerCase() === pool && tx.data ? POOL.getFunction(tx.data.slice(0, 10))?.name : undefined
    const reply = (result: string) => ({ jsonrpc: '2.0', id: request.id, result })
    if (fn) answered.push(fn)
    if (fn === 'getEModeCategoryCollateralConfig') return reply(POOL.encodeFunctionResult(fn, [[category.ltv, category.liquidationThreshold, category.liquidationBonus]]))
    if (fn === 'getEModeCategoryCollateralBitmap') return reply(POOL.encodeFunctionResult(fn, [category.collateralBitmap]))
    if (fn === 'getEModeCategoryLabel') return reply(POOL.encodeFunctionResult(fn, [category.label]))
    if (fn === 'getEModeCategoryData') return { jsonrpc: '2.0', id: request.id, error: { code: 3, message: 'execution reverted', data: '0x' } }
    if (fn === 'getReserveDeficit') return reply(POOL.encodeFunctionResult(fn, [0n]))
    const upstream = (await (await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) })).json()) as { result?: string }
    if (fn === 'getReserveData' && upstream.result) {
      const [data] = POOL.decodeFunctionResult(fn, upstream.result) as unknown as [Record<string, unknown> & { configuration: { data: bigint } }]
      const fields = POOL.getFunction('getReserveData')!.outputs[0]!.components!.map((c) => c.name)
      const values = fields.map((name) => (name === 'configuration' ? [data.configuration.data & ~EMODE_BITS] : data[name]))
      return reply(POOL.encodeFunctionResult(fn, [values]))
    }
    return upstream
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    const relay = async () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Parameters<typeof call>[0] | Parameters<typeof call>[0][]
      const answer = Array.isArray(body) ? await Promise.all(body.map(call)) : await call(body)
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
    }
    req.on('end', () => void relay().catch(() => res.writeHead(502).end()))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, answered, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}
