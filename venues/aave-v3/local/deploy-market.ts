// Deploys a complete Aave v3 market (addresses provider, pool, configurator, ACL, oracle with movable mock
// feeds, data provider, WETH and USDC reserves) from @aave/core-v3's compiled contracts onto a local chain,
// for tests and the demo. The contracts are Aave's own; only the parameters are ours.
import { Contract, ContractFactory, JsonRpcProvider, NonceManager, parseUnits, type Signer } from 'ethers'
import { linkBytecode, loadArtifact } from './artifacts.js'

export interface ReserveParams {
  symbol: string
  name: string
  decimals: number
  priceUsd: string
  ltvBps: number
  liquidationThresholdBps: number
  liquidationBonusBps: number
  /** Supplied by the deployer so others can borrow. */
  seedLiquidity: string
}

/** Parameters close to Aave v3 Ethereum's for these assets. */
export const DEFAULT_RESERVES: ReserveParams[] = [
  { symbol: 'WETH', name: 'Wrapped Ether', decimals: 18, priceUsd: '2000', ltvBps: 8000, liquidationThresholdBps: 8250, liquidationBonusBps: 10500, seedLiquidity: '1000' },
  { symbol: 'USDC', name: 'USD Coin', decimals: 6, priceUsd: '1', ltvBps: 7700, liquidationThresholdBps: 8000, liquidationBonusBps: 10450, seedLiquidity: '10000000' },
]

export interface LocalAaveMarket {
  chainId: number
  addresses: {
    poolAddressesProvider: string
    pool: string
    poolConfigurator: string
    oracle: string
    dataProvider: string
    aclManager: string
    tokens: Record<string, string>
  }
  /** Funded anvil accounts; [0] deployed the market. */
  wallets: string[]
  provider: JsonRpcProvider
  /** Replaces the asset's price feed with one answering `priceUsd` (8 decimals, Aave's USD base). */
  setAssetPriceUsd(symbol: string, priceUsd: string): Promise<void>
  /** Mints `amount` of the token to the wallet and supplies it to the pool. */
  fundAndSupply(wallet: string, symbol: string, amount: string): Promise<void>
  /** Borrows at the variable rate. */
  borrow(wallet: string, symbol: string, amount: string): Promise<void>
  pool(): Contract
}

const RAY = 10n ** 27n
const ray = (fraction: string) => (parseUnits(fraction, 27) * 1n) as bigint

async function deploy(signer: Signer, name: string, args: unknown[] = [], libraries: Record<string, string> = {}): Promise<Contract> {
  const artifact = loadArtifact(name)
  const factory = new ContractFactory(artifact.abi as never, linkBytecode(artifact, libraries), signer)
  const contract = await factory.deploy(...args)
  await contract.waitForDeployment()
  return contract as Contract
}

async function send(tx: Promise<{ wait(): Promise<unknown> }>): Promise<void> {
  await (await tx).wait()
}

export async function deployAaveMarket(rpcUrl: string, reserves: ReserveParams[] = DEFAULT_RESERVES): Promise<LocalAaveMarket> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { cacheTimeout: -1, pollingInterval: 50 })
  const network = await provider.getNetwork()
  const wallets = (await provider.send('eth_accounts', [])) as string[]
  const deployerAddress = wallets[0]!
  const deployer = new NonceManager(await provider.getSigner(deployerAddress))

  const addressesProvider = await deploy(deployer, 'PoolAddressesProvider', ['crossmargin-local', deployerAddress])
  await send(addressesProvider.getFunction('setACLAdmin')(deployerAddress))
  const acl = await deploy(deployer, 'ACLManager', [await addressesProvider.getAddress()])
  await send(addressesProvider.getFunction('setACLManager')(await acl.getAddress()))
  await send(acl.getFunction('addPoolAdmin')(deployerAddress))
  await send(acl.getFunction('addAssetListingAdmin')(deployerAddress))
  await send(acl.getFunction('addRiskAdmin')(deployerAddress))

  // The pool's logic lives in linked libraries; FlashLoanLogic itself links BorrowLogic.
  const libraries: Record<string, string> = {}
  for (const name of ['SupplyLogic', 'BorrowLogic', 'LiquidationLogic', 'EModeLogic', 'BridgeLogic', 'PoolLogic', 'ConfiguratorLogic']) {
    libraries[name] = await (await deploy(deployer, name)).getAddress()
  }
  libraries.FlashLoanLogic = await (await deploy(deployer, 'FlashLoanLogic', [], libraries)).getAddress()

  const poolImpl = await deploy(deployer, 'Pool', [await addressesProvider.getAddress()], libraries)
  await send(poolImpl.getFunction('initialize')(await addressesProvider.getAddress()))
  await send(addressesProvider.getFunction('setPoolImpl')(await poolImpl.getAddress()))
  const poolAddress = (await addressesProvider.getFunction('getPool')()) as string

  const configuratorImpl = await deploy(deployer, 'PoolConfigurator', [], libraries)
  await send(configuratorImpl.getFunction('initialize')(await addressesProvider.getAddress()))
  await send(addressesProvider.getFunction('setPoolConfiguratorImpl')(await configuratorImpl.getAddress()))
  const configuratorAddress = (await addressesProvider.getFunction('getPoolConfigurator')()) as string
  const configurator = new Contract(configuratorAddress, loadArtifact('PoolConfigurator').abi as never, deployer)

  const tokens: Record<string, Contract> = {}
  const feeds: string[] = []
  for (const reserve of reserves) {
    tokens[reserve.symbol] = await deploy(deployer, 'MintableERC20', [reserve.name, reserve.symbol, reserve.decimals])
    feeds.push(await (await deploy(deployer, 'MockAggregator', [parseUnits(reserve.priceUsd, 8)])).getAddress())
  }
  const tokenAddresses = await Promise.all(reserves.map((r) => tokens[r.symbol]!.getAddress()))
  // USD base currency: baseCurrency 0x0 with a unit of 1e8, as on Aave v3's Ethereum market.
  const oracle = await deploy(deployer, 'AaveOracle', [await addressesProvider.getAddress(), tokenAddresses, feeds, '0x0000000000000000000000000000000000000000', '0x0000000000000000000000000000000000000000', 10n ** 8n])
  await send(addressesProvider.getFunction('setPriceOracle')(await oracle.getAddress()))
  const dataProvider = await deploy(deployer, 'AaveProtocolDataProvider', [await addressesProvider.getAddress()])
  await send(addressesProvider.getFunction('setPoolDataProvider')(await dataProvider.getAddress()))

  const aTokenImpl = await deploy(deployer, 'AToken', [poolAddress])
  const stableDebtImpl = await deploy(deployer, 'StableDebtToken', [poolAddress])
  const variableDebtImpl = await deploy(deployer, 'VariableDebtToken', [poolAddress])
  const rateStrategy = await deploy(deployer, 'DefaultReserveInterestRateStrategy', [
    await addressesProvider.getAddress(), ray('0.8'), 0n, ray('0.04'), ray('0.75'), ray('0.02'), ray('0.75'), ray('0.02'), ray('0.05'), ray('0.2'),
  ])
  await send(
    configurator.getFunction('initReserves')(
      await Promise.all(
        reserves.map(async (r, i) => ({
          aTokenImpl: await aTokenImpl.getAddress(),
          stableDebtTokenImpl: await stableDebtImpl.getAddress(),
          variableDebtTokenImpl: await variableDebtImpl.getAddress(),
          underlyingAssetDecimals: r.decimals,
          interestRateStrategyAddress: await rateStrategy.getAddress(),
          underlyingAsset: tokenAddresses[i],
          treasury: deployerAddress,
          incentivesController: '0x0000000000000000000000000000000000000000',
          aTokenName: `Aave ${r.symbol}`,
          aTokenSymbol: `a${r.symbol}`,
          variableDebtTokenName: `Aave variable debt ${r.symbol}`,
          variableDebtTokenSymbol: `variableDebt${r.symbol}`,
          stableDebtTokenName: `Aave stable debt ${r.symbol}`,
          stableDebtTokenSymbol: `stableDebt${r.symbol}`,
          params: '0x',
        })),
      ),
    ),
  )
  for (const [i, r] of reserves.entries()) {
    await send(configurator.getFunction('configureReserveAsCollateral')(tokenAddresses[i], r.ltvBps, r.liquidationThresholdBps, r.liquidationBonusBps))
    await send(configurator.getFunction('setReserveBorrowing')(tokenAddresses[i], true))
  }

  const poolAbi = loadArtifact('Pool').abi as never
  const tokenAbi = loadArtifact('MintableERC20').abi as never
  const reserveBySymbol = new Map(reserves.map((r, i) => [r.symbol, { ...r, address: tokenAddresses[i]! }]))
  const reserveOf = (symbol: string) => {
    const r = reserveBySymbol.get(symbol)
    if (!r) throw new Error(`no reserve ${symbol} in this market (have ${[...reserveBySymbol.keys()].join(', ')})`)
    return r
  }
  const signers = new Map<string, NonceManager>()
  const signerFor = async (wallet: string) => {
    const key = wallet.toLowerCase()
    if (!signers.has(key)) signers.set(key, key === deployerAddress.toLowerCase() ? deployer : new NonceManager(await provider.getSigner(wallet)))
    return signers.get(key)!
  }

  const market: LocalAaveMarket = {
    chainId: Number(network.chainId),
    addresses: {
      poolAddressesProvider: await addressesProvider.getAddress(),
      pool: poolAddress,
      poolConfigurator: configuratorAddress,
      oracle: await oracle.getAddress(),
      dataProvider: await dataProvider.getAddress(),
      aclManager: await acl.getAddress(),
      tokens: Object.fromEntries([...reserveBySymbol].map(([s, r]) => [s, r.address])),
    },
    wallets,
    provider,
    pool: () => new Contract(poolAddress, poolAbi, provider),
    async setAssetPriceUsd(symbol, priceUsd) {
      const feed = await deploy(deployer, 'MockAggregator', [parseUnits(priceUsd, 8)])
      await send(oracle.getFunction('setAssetSources')([reserveOf(symbol).address], [await feed.getAddress()]))
    },
    async fundAndSupply(wallet, symbol, amount) {
      const r = reserveOf(symbol)
      const signer = await signerFor(wallet)
      const value = parseUnits(amount, r.decimals)
      const token = new Contract(r.address, tokenAbi, signer)
      await send(token.getFunction('mint(address,uint256)')(wallet, value))
      await send(token.getFunction('approve')(poolAddress, value))
      await send(new Contract(poolAddress, poolAbi, signer).getFunction('supply')(r.address, value, wallet, 0))
    },
    async borrow(wallet, symbol, amount) {
      const r = reserveOf(symbol)
      const signer = await signerFor(wallet)
      const VARIABLE_RATE = 2
      await send(new Contract(poolAddress, poolAbi, signer).getFunction('borrow')(r.address, parseUnits(amount, r.decimals), VARIABLE_RATE, 0, wallet))
    },
  }
  for (const r of reserves) await market.fundAndSupply(deployerAddress, r.symbol, r.seedLiquidity)
  return market
}

export { RAY }
