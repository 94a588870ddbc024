// Aave v3 beyond the account totals, against the real contracts on anvil (its own chain: these tests move prices and
// liquidate): the reserve configuration word decoded as the data provider decodes it, Multicall3 and plain batches
// reading the same state, isolation mode with its debt ceiling, and the liquidation simulation checked against what
// a real liquidationCall does.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { Contract, JsonRpcProvider } from 'ethers'
import { silentLogger } from '../../core/logger.js'
import type { VenueSnapshot } from '../../core/domain.js'
import { fromFixedPoint } from '../../core/decimal.js'
import { startAnvil, type LocalChain } from './local/anvil.js'
import { deployAaveMarket, DEFAULT_RESERVES, type LocalAaveMarket } from './local/deploy-market.js'
import { installLocalMulticall3 } from './local/multicall3.js'
import { loadArtifact } from './local/artifacts.js'
import { aaveV3Connector } from './connector.js'
import { aaveV3Descriptor } from './descriptor.js'
import { decodeReserveConfiguration } from './reserve-configuration.js'

const env = { secret: () => undefined, timeoutMs: 10_000, logger: silentLogger() }
const RESERVES = [
  { ...DEFAULT_RESERVES[0]!, liquidationProtocolFeeBps: 1000 },
  { ...DEFAULT_RESERVES[1]!, borrowableInIsolation: true, supplyCap: 50_000_000, borrowCap: 40_000_000 },
  { symbol: 'ISO', name: 'Isolated Token', decimals: 18, priceUsd: '10', ltvBps: 5000, liquidationThresholdBps: 6000, liquidationBonusBps: 11000, seedLiquidity: '1000', debtCeilingUsd: 1_000_000 },
]

interface Details {
  readPath: string
  isolationMode: { asset: string; debtCeilingUsd: string; totalDebtUsd: string; borrowableAssets: string[] } | null
  liquidationSimulation: { collateral: string; debt: string; liquidatable: boolean; closeFactor: string; debtCovered: string; collateralToLiquidator: string; protocolFee: string }[]
  reserves: { asset: string; supplyCap: string | null; borrowCap: string | null; debtCeilingUsd: string | null; borrowableInIsolation: boolean; liquidationProtocolFee: string }[]
}

let chain: LocalChain
let market: LocalAaveMarket
let node: JsonRpcProvider

beforeAll(async () => {
  chain = await startAnvil()
  await installLocalMulticall3(chain.rpcUrl)
  market = await deployAaveMarket(chain.rpcUrl, RESERVES)
  node = new JsonRpcProvider(chain.rpcUrl)
})
afterAll(async () => {
  node?.destroy()
  market?.close()
  await chain?.stop()
})

async function fetchSnapshot(user: string, extra: object = {}): Promise<VenueSnapshot & { margin: { details: Details } }> {
  const config = aaveV3Descriptor.configSchema.parse({ rpcUrl: chain.rpcUrl, poolAddressesProvider: market.addresses.poolAddressesProvider, user, ...extra })
  const client = aaveV3Connector.createClient(config, env)
  try {
    return (await aaveV3Connector.fetchAccount(client, config, { signal: AbortSignal.timeout(20_000), logger: silentLogger(), now: () => new Date() })) as never
  } finally {
    await aaveV3Connector.closeClient!(client)
  }
}

describe('reserve configuration', () => {
  test('the Pool’s configuration word decodes to what the data provider’s own getters say, for every reserve', async () => {
    const pool = market.pool()
    const dataProvider = new Contract(market.addresses.dataProvider, loadArtifact('AaveProtocolDataProvider').abi, node)
    for (const asset of Object.values(market.addresses.tokens)) {
      const word = ((await pool.getFunction('getConfiguration')(asset)) as { data: bigint }).data
      const ours = decodeReserveConfiguration(word)
      const [decimals, ltv, threshold, bonus, reserveFactor, , borrowing, stable, active, frozen] = (await dataProvider.getFunction('getReserveConfigurationData')(asset)) as (bigint | boolean)[]
      const [borrowCap, supplyCap] = (await dataProvider.getFunction('getReserveCaps')(asset)) as bigint[]
      expect(ours).toMatchObject({ decimals: Number(decimals), ltvBps: ltv, liquidationThresholdBps: threshold, liquidationBonusBps: bonus, reserveFactorBps: reserveFactor, borrowingEnabled: borrowing, stableBorrowingEnabled: stable, active, frozen, borrowCap, supplyCap })
      expect(ours.debtCeiling).toBe(await dataProvider.getFunction('getDebtCeiling')(asset))
      expect(ours.liquidationProtocolFeeBps).toBe(await dataProvider.getFunction('getLiquidationProtocolFee')(asset))
      expect(ours.paused).toBe(await dataProvider.getFunction('getPaused')(asset))
      expect(ours.eModeCategory).toBe(await dataProvider.getFunction('getReserveEModeCategory')(asset))
    }
  })

  test('caps, debt ceiling, isolation borrowability and the protocol fee are in the snapshot as configured', async () => {
    const details = (await fetchSnapshot(market.wallets[1]!)).margin.details
    const bySymbol = Object.fromEntries(details.reserves.map((r) => [r.asset, r]))
    expect(bySymbol.USDC).toMatchObject({ supplyCap: '50000000', borrowCap: '40000000', borrowableInIsolation: true, debtCeilingUsd: null })
    expect(bySymbol.ISO).toMatchObject({ debtCeilingUsd: '1000000', borrowableInIsolation: false })
    expect(bySymbol.WETH).toMatchObject({ liquidationProtocolFee: '0.1', supplyCap: null })
  })
})

describe('one block, two ways of reading it', () => {
  test('Multicall3 and plain JSON-RPC batches give the same snapshot of the same block', async () => {
    const user = market.wallets[2]!
    await market.fundAndSupply(user, 'WETH', '3')
    await market.borrow(user, 'USDC', '2500')
    const viaMulticall = await fetchSnapshot(user)
    const viaBatches = await fetchSnapshot(user, { multicall3: false })
    expect(viaMulticall.margin.details.readPath).toBe('multicall3')
    expect(viaBatches.margin.details.readPath).toBe('json-rpc-batch')
    expect(viaMulticall.blockNumber).toBe(viaBatches.blockNumber)
    expect(viaMulticall.balances).toEqual(viaBatches.balances)
    expect(viaMulticall.margin.replicated).toEqual(viaBatches.margin.replicated)
    expect(viaMulticall.margin.reported).toEqual(viaMulticall.margin.replicated)
  })
})

describe('isolation mode', () => {
  test('a user whose only collateral has a debt ceiling is isolated; the ceiling’s use is the debt borrowed against it', async () => {
    const user = market.wallets[3]!
    await market.fundAndSupply(user, 'ISO', '100')
    // Since v3.0.2 supplying an isolated asset does not switch it on as collateral by itself: the user does.
    await market.setUseAsCollateral(user, 'ISO', true)
    await market.borrow(user, 'USDC', '150')
    const { isolationMode } = (await fetchSnapshot(user)).margin.details
    // 150 USDC borrowed: the isolated debt counts in USD with 2 decimals, 15000 → 150.
    expect(isolationMode).toEqual({ asset: 'ISO', debtCeilingUsd: '1000000', totalDebtUsd: '150', borrowableAssets: ['USDC'] })
    // Not isolated: two collaterals (wallets[2] holds WETH only, no ceiling).
    expect((await fetchSnapshot(market.wallets[2]!)).margin.details.isolationMode).toBeNull()
  })
})

describe('liquidation simulation against a real liquidationCall', () => {
  /** Liquidates `user` at the next block, which keeps the fetched block's timestamp so no interest accrues between. */
  async function liquidateAsSimulated(user: string) {
    const snapshot = await fetchSnapshot(user)
    const block = await node.getBlock(Number(snapshot.blockNumber))
    await node.send('evm_setNextBlockTimestamp', [block!.timestamp])
    const outcome = await market.liquidate(market.wallets[9]!, 'WETH', 'USDC', user, 'max')
    const simulated = snapshot.margin.details.liquidationSimulation.find((s) => s.collateral === 'WETH' && s.debt === 'USDC')!
    return { snapshot, outcome, simulated }
  }

  test('HF 0.99 (above 0.95): half the debt is repaid; collateral and protocol fee to the wei', async () => {
    const user = market.wallets[4]!
    await market.fundAndSupply(user, 'WETH', '1')
    await market.borrow(user, 'USDC', '1500')
    // 1 WETH at 1,800 × LT 0.825 / 1,500 = 0.99.
    await market.setAssetPriceUsd('WETH', '1800')
    const { snapshot, outcome, simulated } = await liquidateAsSimulated(user)
    expect(Number(snapshot.margin.replicated.healthFactor)).toBeCloseTo(0.99, 3)
    expect(simulated).toMatchObject({ liquidatable: true, closeFactor: '0.5' })
    expect(simulated.debtCovered).toBe(fromFixedPoint(outcome.debtCovered, 6))
    expect(simulated.collateralToLiquidator).toBe(fromFixedPoint(outcome.collateralToLiquidator, 18))
    expect(simulated.protocolFee).toBe(fromFixedPoint(outcome.protocolFee, 18))
    // Hand check: 750 USDC repaid buys 750/1800 × 1.05 = 0.4375 WETH; the bonus 0.4375 − 0.4375/1.05 = 0.0208333 WETH,
    // of which the protocol keeps 10 %.
    expect(Number(simulated.debtCovered)).toBeCloseTo(750, 2)
    expect(Number(simulated.protocolFee)).toBeCloseTo(0.1 * (0.4375 - 0.4375 / 1.05), 6)
  })

  test('HF 0.935 (below 0.95): the whole debt may be repaid', async () => {
    const user = market.wallets[5]!
    await market.setAssetPriceUsd('WETH', '2000')
    await market.fundAndSupply(user, 'WETH', '1')
    await market.borrow(user, 'USDC', '1500')
    // 1,700 × 0.825 / 1,500 = 0.935.
    await market.setAssetPriceUsd('WETH', '1700')
    const { outcome, simulated } = await liquidateAsSimulated(user)
    expect(simulated).toMatchObject({ liquidatable: true, closeFactor: '1' })
    expect(simulated.debtCovered).toBe(fromFixedPoint(outcome.debtCovered, 6))
    expect(simulated.collateralToLiquidator).toBe(fromFixedPoint(outcome.collateralToLiquidator, 18))
    expect(simulated.protocolFee).toBe(fromFixedPoint(outcome.protocolFee, 18))
    expect(Number(simulated.debtCovered)).toBeGreaterThanOrEqual(1500)
  })
})
