// Deploys a complete Aave v3 market (addresses provider, pool, configurator, ACL, oracle with movable mock
// feeds, data provider, WETH and USDC reserves) from @aave/core-v3's compiled contracts onto a local chain,
// for tests and the demo. The contracts are Aave's own; only the parameters are ours.
import { BaseContract, Contract, ContractFactory, ContractTransactionResponse, JsonRpcProvider, NonceManager, Result, getAddress, id, parseUnits, type ContractTransactionReceipt, type Signer } from 'ethers'
import { z } from 'zod'
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
  /** Whole tokens; absent = no cap. */
  supplyCap?: number
  borrowCap?: number
  /** Makes the asset an isolated one: its borrowers may owe at most this many USD against it. */
  debtCeilingUsd?: number
  borrowableInIsolation?: boolean
  /** Share of the liquidation bonus kept by the protocol, in bps (Aave v3 Ethereum uses 1000). */
  liquidationProtocolFeeBps?: number
}

/** What a liquidationCall did, from its LiquidationCall event and the treasury's aToken balance. */
export interface LiquidationOutcome {
  debtCovered: bigint
  /** Collateral the liquidator received (the event's liquidatedCollateralAmount). */
  collateralToLiquidator: bigint
  /** Collateral sent to the treasury as aTokens. */
  protocolFee: bigint
  blockNumber: number
}

/** LTV, liquidation threshold and bonus close to (not exactly) Aave v3 Ethereum's for these assets. */
export const DEFAULT_RESERVES: ReserveParams[] = [
  { symbol: 'WETH', name: 'Wrapped Ether', decimals: 18, priceUsd: '2000', ltvBps: 8000, liquidationThresholdBps: 8250, liquidationBonusBps: 10500, seedLiquidity: '1000' },
  { symbol: 'USDC', name: 'USD Coin', decimals: 6, priceUsd: '1', ltvBps: 7700, liquidationThresholdBps: 8000, liquidationBonusBps: 10450, seedLiquidity: '10000000' },
]

export interface EModeCategoryParams {
  id: number
  label: string
  ltvBps: number
  liquidationThresholdBps: number
  liquidationBonusBps: number
  /** Reserves placed in the category. */
  assets: string[]
  /** When given, the category gets its own price source answering this price (Aave prices every asset of the category with it). */
  priceUsd?: string
}

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
  /** Funded, unlocked anvil accounts; [0] deployed the market and administers it. */
  wallets: string[]
  provider: JsonRpcProvider
  /** Points the asset's oracle source at a new feed answering `priceUsd` (8 decimals, Aave's USD base). */
  setAssetPriceUsd(symbol: string, priceUsd: string): Promise<void>
  /** Mints `amount` of the token to the wallet and supplies it to the pool. */
  fundAndSupply(wallet: string, symbol: string, amount: string): Promise<void>
  /** Borrows at the variable rate. */
  borrow(wallet: string, symbol: string, amount: string): Promise<void>
  /** The user's own switch for counting a supplied reserve as collateral. */
  setUseAsCollateral(wallet: string, symbol: string, enabled: boolean): Promise<void>
  /** Governance's knob: a reserve's LTV, liquidation threshold and bonus (LTV 0 freezes it as collateral for new borrows). */
  configureReserveAsCollateral(symbol: string, ltvBps: number, liquidationThresholdBps: number, liquidationBonusBps: number): Promise<void>
  /** Creates an e-mode category, optionally with its own price source, and places the assets in it. */
  configureEModeCategory(params: EModeCategoryParams): Promise<void>
  setUserEMode(wallet: string, categoryId: number): Promise<void>
  /**
   * A liquidator (funded with the debt asset here) repays up to `debtToCover` (whole-token string, or 'max' for
   * all the close factor allows) of `user`'s debt and takes collateral, receiving the underlying.
   */
  liquidate(liquidator: string, collateralSymbol: string, debtSymbol: string, user: string, debtToCover: string): Promise<LiquidationOutcome>
  /** The Pool proxy, read-only (for tests comparing with getUserAccountData). */
  pool(): Contract
  /** Frees the market's JSON-RPC provider (the chain itself is stopped by its owner). */
  close(): void
}

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000'
const VARIABLE_RATE = 2
const ray = (fraction: string): bigint => parseUnits(fraction, 27)
// Pool actions accrue interest as of the block they land in, which can cost more gas than the estimate made a
// block earlier (and then revert out of gas): user actions get a fixed, ample limit instead of an estimate.
const USER_ACTION = { gasLimit: 3_000_000n }

/** Mines on the local node at once (automine); a receipt that never comes fails here with a reason, not a hung test. */
const RECEIPT_TIMEOUT_MS = 60_000

/** Waits for a state-changing call's receipt; ethers types what a contract method returns as `any`. */
async function send(tx: Promise<unknown>): Promise<ContractTransactionReceipt> {
  const sent = await tx
  if (!(sent instanceof ContractTransactionResponse)) throw new Error('a contract call that should send a transaction answered something else')
  const receipt = await sent.wait(1, RECEIPT_TIMEOUT_MS)
  if (!receipt) throw new Error('a transaction was mined without a receipt')
  return receipt
}

/** A view call's named answer as plain data (ethers answers a struct as a Result). */
function named(value: unknown): Record<string, unknown> {
  if (!(value instanceof Result)) throw new Error('a contract call answered no struct')
  return value.toObject(true)
}

const address = z.string()

/**
 * A NonceManager whose transactions reach the node one after another, in nonce order. Sent concurrently, a later
 * nonce can arrive first and wait in anvil's queue; seen under load: the queued one was then never mined and its
 * deployment waited for ever. Waiting for receipts still overlaps; only the sending is in line.
 */
class OrderedNonceManager extends NonceManager {
  private line: Promise<unknown> = Promise.resolve()

  override sendTransaction(tx: Parameters<NonceManager['sendTransaction']>[0]): ReturnType<NonceManager['sendTransaction']> {
    const sent = this.line.then(() => super.sendTransaction(tx))
    this.line = sent.catch(() => undefined)
    return sent
  }
}

export async function deployAaveMarket(rpcUrl: string, reserves: ReserveParams[] = DEFAULT_RESERVES): Promise<LocalAaveMarket> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { cacheTimeout: -1, pollingInterval: 50 })
  const network = await provider.getNetwork()
  const wallets = z.array(z.string()).parse(await provider.send('eth_accounts', [])).map((a) => getAddress(a))
  const deployerAddress = wallets[0]!
  // One nonce sequence for the deployer, so independent deployments below can be sent together.
  const deployer = new OrderedNonceManager(await provider.getSigner(deployerAddress))

  async function deploy(name: string, args: unknown[] = [], libraries: Record<string, string> = {}, signer: Signer = deployer): Promise<BaseContract> {
    const artifact = loadArtifact(name)
    const factory = new ContractFactory(artifact.abi, linkBytecode(artifact, libraries), signer)
    const contract = await factory.deploy(...args)
    // waitForDeployment has no deadline: the receipt's wait does.
    await contract.deploymentTransaction()!.wait(1, RECEIPT_TIMEOUT_MS)
    return contract
  }
  const addressOf = (c: BaseContract) => c.getAddress()

  // Phase 1, independent of each other: the addresses provider, the pool's linked libraries, tokens and feeds.
  const libraryNames = ['SupplyLogic', 'BorrowLogic', 'LiquidationLogic', 'EModeLogic', 'BridgeLogic', 'PoolLogic', 'ConfiguratorLogic']
  const [addressesProvider, libraryContracts, tokenContracts, feedContracts] = await Promise.all([
    deploy('PoolAddressesProvider', ['crossmargin-local', deployerAddress]),
    Promise.all(libraryNames.map((name) => deploy(name))),
    Promise.all(reserves.map((r) => deploy('MintableERC20', [r.name, r.symbol, r.decimals]))),
    Promise.all(reserves.map((r) => deploy('MockAggregator', [parseUnits(r.priceUsd, 8)]))),
  ])
  const providerAddress = await addressOf(addressesProvider)
  const libraries: Record<string, string> = {}
  for (const [i, name] of libraryNames.entries()) libraries[name] = await addressOf(libraryContracts[i]!)
  const tokenAddresses = await Promise.all(tokenContracts.map(addressOf))
  const feedAddresses = await Promise.all(feedContracts.map(addressOf))

  // Phase 2: ACL (its constructor reads the ACL admin), FlashLoanLogic (links BorrowLogic), the pool implementation.
  await send(addressesProvider.getFunction('setACLAdmin')(deployerAddress))
  const [acl, flashLoanLogic] = await Promise.all([deploy('ACLManager', [providerAddress]), deploy('FlashLoanLogic', [], libraries)])
  libraries.FlashLoanLogic = await addressOf(flashLoanLogic)
  const [poolImpl, configuratorImpl] = await Promise.all([
    deploy('Pool', [providerAddress], libraries),
    deploy('PoolConfigurator', [], libraries),
    send(addressesProvider.getFunction('setACLManager')(addressOf(acl))),
    send(acl.getFunction('addPoolAdmin')(deployerAddress)),
    send(acl.getFunction('addAssetListingAdmin')(deployerAddress)),
    send(acl.getFunction('addRiskAdmin')(deployerAddress)),
  ])
  // Implementations are initialised too, so nobody can take them over (as Aave's own deploy scripts do).
  await Promise.all([
    send(poolImpl.getFunction('initialize')(providerAddress)),
    send(configuratorImpl.getFunction('initialize')(providerAddress)),
  ])
  // The provider deploys the proxies and initialises them.
  await send(addressesProvider.getFunction('setPoolImpl')(addressOf(poolImpl)))
  await send(addressesProvider.getFunction('setPoolConfiguratorImpl')(addressOf(configuratorImpl)))
  const poolAddress = address.parse(await addressesProvider.getFunction('getPool')())
  const configuratorAddress = address.parse(await addressesProvider.getFunction('getPoolConfigurator')())
  const configurator = new Contract(configuratorAddress, loadArtifact('PoolConfigurator').abi, deployer)

  // Phase 3: oracle (USD base: base currency 0x0, unit 1e8, as on Aave v3 Ethereum), data provider, token
  // implementations bound to the pool proxy, and one interest rate strategy shared by the reserves.
  const [oracle, dataProvider, aTokenImpl, stableDebtImpl, variableDebtImpl, rateStrategy] = await Promise.all([
    deploy('AaveOracle', [providerAddress, tokenAddresses, feedAddresses, ZERO_ADDRESS, ZERO_ADDRESS, 10n ** 8n]),
    deploy('AaveProtocolDataProvider', [providerAddress]),
    deploy('AToken', [poolAddress]),
    deploy('StableDebtToken', [poolAddress]),
    deploy('VariableDebtToken', [poolAddress]),
    // optimal usage 80 %, base 0, slopes 4 % / 75 %; stable slopes 2 % / 75 %, offsets 2 % / 5 %, optimal stable ratio 20 %.
    deploy('DefaultReserveInterestRateStrategy', [providerAddress, ray('0.8'), 0n, ray('0.04'), ray('0.75'), ray('0.02'), ray('0.75'), ray('0.02'), ray('0.05'), ray('0.2')]),
  ])
  await Promise.all([
    send(addressesProvider.getFunction('setPriceOracle')(addressOf(oracle))),
    send(addressesProvider.getFunction('setPoolDataProvider')(addressOf(dataProvider))),
  ])
  const [aTokenAddress, stableDebtAddress, variableDebtAddress, strategyAddress] = await Promise.all([aTokenImpl, stableDebtImpl, variableDebtImpl, rateStrategy].map(addressOf))
  await send(
    configurator.getFunction('initReserves')(
      reserves.map((r, i) => ({
        aTokenImpl: aTokenAddress,
        stableDebtTokenImpl: stableDebtAddress,
        variableDebtTokenImpl: variableDebtAddress,
        underlyingAssetDecimals: r.decimals,
        interestRateStrategyAddress: strategyAddress,
        underlyingAsset: tokenAddresses[i],
        treasury: deployerAddress,
        incentivesController: ZERO_ADDRESS,
        aTokenName: `Aave ${r.symbol}`,
        aTokenSymbol: `a${r.symbol}`,
        variableDebtTokenName: `Aave variable debt ${r.symbol}`,
        variableDebtTokenSymbol: `variableDebt${r.symbol}`,
        stableDebtTokenName: `Aave stable debt ${r.symbol}`,
        stableDebtTokenSymbol: `stableDebt${r.symbol}`,
        params: '0x',
      })),
    ),
  )
  await Promise.all(
    reserves.flatMap((r, i) => [
      send(configurator.getFunction('configureReserveAsCollateral')(tokenAddresses[i], r.ltvBps, r.liquidationThresholdBps, r.liquidationBonusBps)),
      send(configurator.getFunction('setReserveBorrowing')(tokenAddresses[i], true)),
    ]),
  )
  // Caps, isolation and the protocol fee before any supply: Aave refuses a first debt ceiling on a reserve that
  // already has suppliers.
  for (const [i, r] of reserves.entries()) {
    const asset = tokenAddresses[i]
    if (r.supplyCap !== undefined) await send(configurator.getFunction('setSupplyCap')(asset, r.supplyCap))
    if (r.borrowCap !== undefined) await send(configurator.getFunction('setBorrowCap')(asset, r.borrowCap))
    if (r.debtCeilingUsd !== undefined) await send(configurator.getFunction('setDebtCeiling')(asset, BigInt(r.debtCeilingUsd) * 100n))
    if (r.borrowableInIsolation) await send(configurator.getFunction('setBorrowableInIsolation')(asset, true))
    if (r.liquidationProtocolFeeBps !== undefined) await send(configurator.getFunction('setLiquidationProtocolFee')(asset, r.liquidationProtocolFeeBps))
  }

  const poolAbi = loadArtifact('Pool').abi
  const tokenAbi = loadArtifact('MintableERC20').abi
  const reserveBySymbol = new Map(reserves.map((r, i) => [r.symbol, { ...r, address: tokenAddresses[i]! }]))
  const reserveOf = (symbol: string) => {
    const r = reserveBySymbol.get(symbol)
    if (!r) throw new Error(`no reserve ${symbol} in this market (have ${[...reserveBySymbol.keys()].join(', ')})`)
    return r
  }
  const signers = new Map<string, NonceManager>([[deployerAddress.toLowerCase(), deployer]])
  const signerFor = async (wallet: string) => {
    const key = wallet.toLowerCase()
    if (!signers.has(key)) signers.set(key, new OrderedNonceManager(await provider.getSigner(wallet)))
    return signers.get(key)!
  }
  const poolAs = async (wallet: string) => new Contract(poolAddress, poolAbi, await signerFor(wallet))

  const market: LocalAaveMarket = {
    chainId: Number(network.chainId),
    addresses: {
      poolAddressesProvider: providerAddress,
      pool: poolAddress,
      poolConfigurator: configuratorAddress,
      oracle: await addressOf(oracle),
      dataProvider: await addressOf(dataProvider),
      aclManager: await addressOf(acl),
      tokens: Object.fromEntries([...reserveBySymbol].map(([s, r]) => [s, r.address])),
    },
    wallets,
    provider,
    pool: () => new Contract(poolAddress, poolAbi, provider),
    close: () => provider.destroy(),
    async setAssetPriceUsd(symbol, priceUsd) {
      // MockAggregator's answer is fixed at construction, so a price move is a new feed.
      const feed = await deploy('MockAggregator', [parseUnits(priceUsd, 8)])
      await send(oracle.getFunction('setAssetSources')([reserveOf(symbol).address], [await addressOf(feed)]))
    },
    async fundAndSupply(wallet, symbol, amount) {
      const r = reserveOf(symbol)
      const signer = await signerFor(wallet)
      const value = parseUnits(amount, r.decimals)
      const token = new Contract(r.address, tokenAbi, signer)
      await Promise.all([send(token.getFunction('mint(address,uint256)')(wallet, value)), send(token.getFunction('approve')(poolAddress, value))])
      await send((await poolAs(wallet)).getFunction('supply')(r.address, value, wallet, 0, USER_ACTION))
    },
    async borrow(wallet, symbol, amount) {
      const r = reserveOf(symbol)
      await send((await poolAs(wallet)).getFunction('borrow')(r.address, parseUnits(amount, r.decimals), VARIABLE_RATE, 0, wallet, USER_ACTION))
    },
    async setUseAsCollateral(wallet, symbol, enabled) {
      await send((await poolAs(wallet)).getFunction('setUserUseReserveAsCollateral')(reserveOf(symbol).address, enabled, USER_ACTION))
    },
    async configureReserveAsCollateral(symbol, ltvBps, liquidationThresholdBps, liquidationBonusBps) {
      await send(configurator.getFunction('configureReserveAsCollateral')(reserveOf(symbol).address, ltvBps, liquidationThresholdBps, liquidationBonusBps))
    },
    async configureEModeCategory(params) {
      let priceSource = ZERO_ADDRESS
      if (params.priceUsd !== undefined) {
        // A price source is any address the oracle knows a feed for; a fixed synthetic one per category.
        priceSource = getAddress(`0x${id(`crossmargin e-mode price source ${params.id}`).slice(26)}`)
        const feed = await deploy('MockAggregator', [parseUnits(params.priceUsd, 8)])
        await send(oracle.getFunction('setAssetSources')([priceSource], [await addressOf(feed)]))
      }
      await send(configurator.getFunction('setEModeCategory')(params.id, params.ltvBps, params.liquidationThresholdBps, params.liquidationBonusBps, priceSource, params.label))
      for (const symbol of params.assets) await send(configurator.getFunction('setAssetEModeCategory')(reserveOf(symbol).address, params.id))
    },
    async setUserEMode(wallet, categoryId) {
      await send((await poolAs(wallet)).getFunction('setUserEMode')(categoryId, USER_ACTION))
    },
    async liquidate(liquidator, collateralSymbol, debtSymbol, user, debtToCover) {
      const collateral = reserveOf(collateralSymbol)
      const debt = reserveOf(debtSymbol)
      const signer = await signerFor(liquidator)
      const amount = debtToCover === 'max' ? 2n ** 256n - 1n : parseUnits(debtToCover, debt.decimals)
      // Enough of the debt asset for any liquidation these tests make, and the pool allowed to pull it.
      const funds = parseUnits('100000000', debt.decimals)
      const token = new Contract(debt.address, tokenAbi, signer)
      await send(token.getFunction('mint(address,uint256)')(liquidator, funds))
      await send(token.getFunction('approve')(poolAddress, funds))
      const reserveData = z.object({ aTokenAddress: address }).parse(named(await market.pool().getFunction('getReserveData')(collateral.address)))
      const pool = await poolAs(liquidator)
      const receipt = await send(pool.getFunction('liquidationCall')(collateral.address, debt.address, user, amount, false, USER_ACTION))
      const event = receipt.logs.map((log) => pool.interface.parseLog(log)).find((parsed) => parsed?.name === 'LiquidationCall')
      if (!event) throw new Error('liquidationCall emitted no LiquidationCall event')
      const liquidation = z.object({ debtToCover: z.bigint(), liquidatedCollateralAmount: z.bigint() }).parse(event.args.toObject())
      // The protocol's share moves as aTokens from the user to the treasury (the deployer here): that Transfer.
      const Transfer = z.object({ from: address, to: address, value: z.bigint() })
      const protocolFee = receipt.logs
        .filter((log) => log.address.toLowerCase() === reserveData.aTokenAddress.toLowerCase())
        .map((log) => token.interface.parseLog(log))
        .flatMap((parsed) => (parsed?.name === 'Transfer' ? [Transfer.parse(parsed.args.toObject())] : []))
        .filter((transfer) => transfer.from.toLowerCase() === user.toLowerCase() && transfer.to.toLowerCase() === deployerAddress.toLowerCase())
        .reduce((sum, transfer) => sum + transfer.value, 0n)
      return { debtCovered: liquidation.debtToCover, collateralToLiquidator: liquidation.liquidatedCollateralAmount, protocolFee, blockNumber: receipt.blockNumber }
    },
  }
  await Promise.all(reserves.map((r) => market.fundAndSupply(deployerAddress, r.symbol, r.seedLiquidity)))
  return market
}
