// Aave v3 on a local chain with the real contracts: our replication of the account rule equals what the Pool
// contract itself answers (getUserAccountData), to the last unit, and follows the oracle.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Contract } from 'ethers'
import { startAnvil, type LocalChain } from './local/anvil.js'
import { deployAaveMarket, type LocalAaveMarket } from './local/deploy-market.js'
import { aaveV3Connector } from './connector.js'
import { aaveV3Descriptor } from './descriptor.js'
import { calculateAaveAccount } from './margin.js'
import { silentLogger } from '../../core/logger.js'
import { fromFixedPoint } from '../../core/decimal.js'
import { describeConnectorConformance } from '../../test/support/connector-conformance.js'
import { startFaultProxy, type FaultProxy } from '../../test/support/fault-proxy.js'
import type { VenueSnapshot } from '../../core/domain.js'

const ctx = () => ({ signal: AbortSignal.timeout(20_000), logger: silentLogger(), now: () => new Date() })
const env = { secret: () => undefined, timeoutMs: 10_000, logger: silentLogger() }

describe('Aave v3 against the real contracts on anvil', () => {
  let chain: LocalChain
  let market: LocalAaveMarket
  let user: string

  beforeAll(async () => {
    chain = await startAnvil()
    market = await deployAaveMarket(chain.rpcUrl)
    user = market.wallets[1]!
    await market.fundAndSupply(user, 'WETH', '2')
    await market.fundAndSupply(user, 'USDC', '3000')
    await market.borrow(user, 'USDC', '1000')
  })
  afterAll(async () => chain?.stop())

  async function fetchSnapshot(): Promise<VenueSnapshot> {
    const config = aaveV3Descriptor.configSchema.parse({ rpcUrl: chain.rpcUrl, poolAddressesProvider: market.addresses.poolAddressesProvider, user, chainId: market.chainId })
    const client = aaveV3Connector.createClient(config, env)
    try {
      return await aaveV3Connector.fetchAccount(client, config, ctx())
    } finally {
      aaveV3Connector.closeClient!(client)
    }
  }

  async function contractAnswer(blockTag: bigint) {
    const [collateral, debt, available, threshold, ltv, hf] = (await market.pool().getFunction('getUserAccountData')(user, { blockTag })) as bigint[]
    return { collateral: collateral!, debt: debt!, available: available!, threshold: threshold!, ltv: ltv!, hf: hf! }
  }

  test('collateral, debt, LTV, threshold, available borrows and health factor equal getUserAccountData exactly', async () => {
    const snapshot = await fetchSnapshot()
    const onChain = await contractAnswer(snapshot.blockNumber!)
    const { replicated, reported } = snapshot.margin
    // Base currency is USD with 8 decimals; HF has 18: compared as exact decimal strings of the contract's integers.
    expect(replicated.totalCollateral).toBe(fromFixedPoint(onChain.collateral, 8))
    expect(replicated.totalDebt).toBe(fromFixedPoint(onChain.debt, 8))
    expect(replicated.availableBorrows).toBe(fromFixedPoint(onChain.available, 8))
    expect(replicated.liquidationThreshold).toBe(fromFixedPoint(onChain.threshold, 4))
    expect(replicated.ltv).toBe(fromFixedPoint(onChain.ltv, 4))
    expect(replicated.healthFactor).toBe(fromFixedPoint(onChain.hf, 18))
    expect(reported).toEqual(replicated)
    // Independent hand check: the weighted threshold (4000 × 8250 + 3000 × 8000) / 7000 = 8142.857 bps is
    // truncated to 8142 by the contract's integer division, so HF = 7000 × 0.8142 / 1000 = 5.6994 (not 5.7).
    expect(replicated.liquidationThreshold).toBe('0.8142')
    expect(Number(replicated.healthFactor)).toBeCloseTo(5.6994, 3)
  })

  test('balances: collateral per reserve and debt as separate records, priced by the oracle', async () => {
    const snapshot = await fetchSnapshot()
    const byKey = Object.fromEntries(snapshot.balances.map((b) => [`${b.kind}:${b.asset}`, b]))
    expect(byKey['collateral:WETH']).toMatchObject({ canonicalAsset: 'ETH', amount: '2', priceUsd: '2000', valueUsd: '4000', usableAsCollateral: true })
    expect(byKey['collateral:USDC']).toMatchObject({ canonicalAsset: 'USD', amount: '3000', usableAsCollateral: true })
    expect(Number(byKey['debt:USDC']!.amount)).toBeGreaterThanOrEqual(1000)
    expect(snapshot.positions).toEqual([])
  })

  test('when the oracle moves WETH down, the health factor follows and still equals the contract', async () => {
    const before = await fetchSnapshot()
    await market.setAssetPriceUsd('WETH', '1200')
    const after = await fetchSnapshot()
    const onChain = await contractAnswer(after.blockNumber!)
    expect(after.margin.replicated.healthFactor).toBe(fromFixedPoint(onChain.hf, 18))
    expect(Number(after.margin.replicated.healthFactor)).toBeLessThan(Number(before.margin.replicated.healthFactor))
    // (2 × 1200 × 0.825 + 3000 × 0.8) / debt ≈ 4.38 with debt ≈ 1000 (a few seconds of interest).
    expect(Number(after.margin.replicated.healthFactor)).toBeCloseTo(4.38, 2)
    await market.setAssetPriceUsd('WETH', '2000')
  })

  test('the liquidation price of WETH alone puts the health factor at 1', async () => {
    const snapshot = await fetchSnapshot()
    const details = snapshot.margin.details as { liquidationPrices: { asset: string; priceUsd: number | null }[] }
    const weth = details.liquidationPrices.find((p) => p.asset === 'WETH')!
    // USDC collateral alone (3000 × 0.8 = 2400) already covers a 1000 debt: no WETH price liquidates.
    expect(weth.priceUsd).toBeNull()
    const usdc = details.liquidationPrices.find((p) => p.asset === 'USDC')!
    expect(usdc.priceUsd).toBeNull()
  })

  test('an account holding only WETH liquidates where 1 WETH × P × 0.825 equals its debt', async () => {
    const other = market.wallets[2]!
    await market.fundAndSupply(other, 'WETH', '1')
    await market.borrow(other, 'USDC', '1200')
    const config = aaveV3Descriptor.configSchema.parse({ rpcUrl: chain.rpcUrl, poolAddressesProvider: market.addresses.poolAddressesProvider, user: other })
    const client = aaveV3Connector.createClient(config, env)
    const snapshot = await aaveV3Connector.fetchAccount(client, config, ctx())
    aaveV3Connector.closeClient!(client)
    const details = snapshot.margin.details as { liquidationPrices: { asset: string; priceUsd: number | null }[] }
    const debt = Number(snapshot.margin.reported.totalDebt)
    // HF = 1 ⇔ 1 WETH × P × 0.825 = debt  ⇒  P = debt / 0.825 (≈ 1454.5 for 1200 USDC).
    expect(details.liquidationPrices.find((p) => p.asset === 'WETH')!.priceUsd).toBeCloseTo(debt / 0.825, 6)
  })

  test('a wallet with no position has no debt and no health factor (the contract answers 2^256 − 1)', async () => {
    const result = calculateAaveAccount({ reserves: [], userEMode: null, baseCurrencyDecimals: 8 })
    expect(result.healthFactor).toBe(2n ** 256n - 1n)
    const empty = market.wallets[5]!
    const config = aaveV3Descriptor.configSchema.parse({ rpcUrl: chain.rpcUrl, poolAddressesProvider: market.addresses.poolAddressesProvider, user: empty })
    const client = aaveV3Connector.createClient(config, env)
    const snapshot = await aaveV3Connector.fetchAccount(client, config, ctx())
    aaveV3Connector.closeClient!(client)
    expect(snapshot.balances).toEqual([])
    expect(snapshot.margin.reported.healthFactor).toBeNull()
    expect(snapshot.margin.replicated.healthFactor).toBeNull()
  })

  test('an RPC serving another chain than configured is refused', async () => {
    const config = aaveV3Descriptor.configSchema.parse({ rpcUrl: chain.rpcUrl, poolAddressesProvider: market.addresses.poolAddressesProvider, user, chainId: 1 })
    const client = aaveV3Connector.createClient(config, env)
    await expect(aaveV3Connector.fetchAccount(client, config, ctx())).rejects.toThrow(/serves chain 31337.*configured for chain 1/)
    aaveV3Connector.closeClient!(client)
  })

  test('a pool addresses provider that is not a contract is a rejection, not a crash', async () => {
    const config = aaveV3Descriptor.configSchema.parse({ rpcUrl: chain.rpcUrl, poolAddressesProvider: `0x${'12'.repeat(20)}`, user })
    const client = aaveV3Connector.createClient(config, env)
    await expect(aaveV3Connector.fetchAccount(client, config, ctx())).rejects.toMatchObject({ code: expect.stringMatching(/VENUE_REJECTED|VENUE_UNAVAILABLE/) })
    aaveV3Connector.closeClient!(client)
    expect(new Contract(user, []).target).toBe(user)
  })
})

let conformanceChain: LocalChain
let conformanceProxy: FaultProxy
describeConnectorConformance('aave-v3', {
  connector: aaveV3Connector,
  async start() {
    conformanceChain = await startAnvil()
    const market = await deployAaveMarket(conformanceChain.rpcUrl)
    await market.fundAndSupply(market.wallets[1]!, 'WETH', '1')
    conformanceProxy = await startFaultProxy(conformanceChain.rpcUrl)
    return {
      config: { rpcUrl: conformanceProxy.url, poolAddressesProvider: market.addresses.poolAddressesProvider, user: market.wallets[1]! },
      env: { ...env, timeoutMs: 2_000 },
    }
  },
  setFault: (fault) => conformanceProxy.setFault(fault),
  async stop() {
    await conformanceProxy?.close()
    await conformanceChain?.stop()
  },
  invalidConfig: { config: { rpcUrl: 'http://127.0.0.1:8545', poolAddressesProvider: '0x1234', user: `0x${'ab'.repeat(20)}` }, key: 'poolAddressesProvider' },
})
