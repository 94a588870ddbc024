// Aave v3 connector: every read of one account pinned to one block through ethers 6 JSON-RPC (batched), mapped
// to balances (collateral and debt per reserve) and the venue's figures beside our replication of its rule.
import { Contract, FetchRequest, JsonRpcProvider, Network, isError } from 'ethers'
import { canonicalAsset } from '../../core/assets.js'
import { fromFixedPoint } from '../../core/decimal.js'
import type { Balance, VenueSnapshot } from '../../core/domain.js'
import { VenueRejected, VenueUnavailable } from '../../core/errors.js'
import type { ClientEnvironment, FetchContext, VenueConnector } from '../types.js'
import { ADDRESSES_PROVIDER_ABI, DATA_PROVIDER_ABI, ERC20_METADATA_ABI, ORACLE_ABI, POOL_ABI } from './abi.js'
import { aaveV3Descriptor, type AaveV3Config } from './descriptor.js'
import { aaveFigures, aaveLiquidationPrice, calculateAaveAccount, type AaveAccountInput, type AaveReserveState } from './margin.js'

export interface AaveV3Client {
  provider: JsonRpcProvider
}

function createClient(config: AaveV3Config, env: ClientEnvironment): AaveV3Client {
  const request = new FetchRequest(env.urlOverrides?.['aave-v3'] ?? config.rpcUrl)
  request.timeout = env.timeoutMs
  // A static network: ethers would otherwise retry network detection forever against a dead RPC.
  const provider = new JsonRpcProvider(request, Network.from(config.chainId ?? 1), { staticNetwork: true, batchMaxCount: 100, cacheTimeout: -1 })
  return { provider }
}

/** Turns ethers' failures into the error vocabulary, naming what failed and never the RPC URL (it may hold a key). */
function mapError(error: unknown, what: string): Error {
  if (error instanceof VenueRejected || error instanceof VenueUnavailable) return error
  if (isError(error, 'CALL_EXCEPTION')) return new VenueRejected(`aave-v3: ${what} reverted (${error.shortMessage})`)
  if (isError(error, 'TIMEOUT')) return new VenueUnavailable(`aave-v3: RPC timed out during ${what}`)
  if (isError(error, 'SERVER_ERROR')) {
    const status = (error as { response?: { statusCode?: number } }).response?.statusCode
    return new VenueUnavailable(`aave-v3: RPC answered${status ? ` HTTP ${status}` : ' with an error'} during ${what}`)
  }
  if (isError(error, 'BAD_DATA') || error instanceof SyntaxError) return new VenueUnavailable(`aave-v3: RPC sent a malformed answer during ${what}`)
  const message = error instanceof Error ? error.message.replace(/https?:\/\/\S+/g, '<rpc>') : String(error)
  return new VenueUnavailable(`aave-v3: RPC failure during ${what}: ${message.slice(0, 200)}`)
}

async function read<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw mapError(error, what)
  }
}

async function tokenSymbol(token: Contract, blockTag: number): Promise<string | null> {
  try {
    return (await token.getFunction('symbol')({ blockTag })) as string
  } catch {
    // Some tokens (MKR) return bytes32; the address stands in and the balance is flagged.
    return null
  }
}

async function fetchAccount(client: AaveV3Client, config: AaveV3Config, ctx: FetchContext): Promise<VenueSnapshot> {
  const { provider } = client
  const latest = await read('reading the latest block', async () => {
    const [block, chainId] = await Promise.all([provider.getBlock('latest'), provider.send('eth_chainId', [])])
    return { block, chainId: Number(chainId) }
  })
  if (!latest.block) throw new VenueUnavailable('aave-v3: RPC returned no latest block')
  if (config.chainId !== undefined && latest.chainId !== config.chainId) {
    throw new VenueRejected(`aave-v3: RPC serves chain ${latest.chainId}, the account is configured for chain ${config.chainId}`)
  }
  const blockTag = latest.block.number
  ctx.signal.throwIfAborted()

  const addressesProvider = new Contract(config.poolAddressesProvider, ADDRESSES_PROVIDER_ABI, provider)
  const [poolAddress, dataProviderAddress, oracleAddress] = await read('reading the market addresses', () =>
    Promise.all([
      addressesProvider.getFunction('getPool')({ blockTag }) as Promise<string>,
      addressesProvider.getFunction('getPoolDataProvider')({ blockTag }) as Promise<string>,
      addressesProvider.getFunction('getPriceOracle')({ blockTag }) as Promise<string>,
    ]),
  )
  const pool = new Contract(poolAddress, POOL_ABI, provider)
  const dataProvider = new Contract(dataProviderAddress, DATA_PROVIDER_ABI, provider)
  const oracle = new Contract(oracleAddress, ORACLE_ABI, provider)

  const [accountData, reservesList, eModeId, baseUnit] = await read('reading the account', () =>
    Promise.all([
      pool.getFunction('getUserAccountData')(config.user, { blockTag }) as Promise<bigint[]>,
      pool.getFunction('getReservesList')({ blockTag }) as Promise<string[]>,
      pool.getFunction('getUserEMode')(config.user, { blockTag }) as Promise<bigint>,
      oracle.getFunction('BASE_CURRENCY_UNIT')({ blockTag }) as Promise<bigint>,
    ]),
  )
  const baseCurrencyDecimals = baseUnit.toString().length - 1
  ctx.signal.throwIfAborted()

  const reserves = await read('reading the reserves', () =>
    Promise.all(
      reservesList.map(async (asset) => {
        const [configData, userData, category, price, symbol] = await Promise.all([
          dataProvider.getFunction('getReserveConfigurationData')(asset, { blockTag }) as Promise<(bigint | boolean)[]>,
          dataProvider.getFunction('getUserReserveData')(asset, config.user, { blockTag }) as Promise<(bigint | boolean)[]>,
          dataProvider.getFunction('getReserveEModeCategory')(asset, { blockTag }) as Promise<bigint>,
          oracle.getFunction('getAssetPrice')(asset, { blockTag }) as Promise<bigint>,
          tokenSymbol(new Contract(asset, ERC20_METADATA_ABI, provider), blockTag),
        ])
        const state: AaveReserveState = {
          asset,
          symbol: symbol ?? asset,
          decimals: Number(configData[0]),
          priceBase: price,
          suppliedBalance: userData[0] as bigint,
          stableDebt: userData[1] as bigint,
          variableDebt: userData[2] as bigint,
          // The user's own flag; a reserve whose LT is 0 cannot count as collateral anyway (margin.ts).
          usageAsCollateralEnabled: userData[8] as boolean,
          ltvBps: configData[1] as bigint,
          liquidationThresholdBps: configData[2] as bigint,
          eModeCategory: category,
        }
        return { state, symbolKnown: symbol !== null, reserveCollateralEnabled: configData[5] as boolean, raw: { configData, userData, category, price } }
      }),
    ),
  )

  let userEMode: AaveAccountInput['userEMode'] = null
  if (eModeId !== 0n) {
    const category = await read('reading the e-mode category', () => pool.getFunction('getEModeCategoryData')(eModeId, { blockTag }) as Promise<{ ltv: bigint; liquidationThreshold: bigint; priceSource: string }>)
    userEMode = { id: eModeId, ltvBps: BigInt(category.ltv), liquidationThresholdBps: BigInt(category.liquidationThreshold) }
    if (category.priceSource !== '0x0000000000000000000000000000000000000000') {
      // An e-mode price source prices every asset of the category (GenericLogic uses it in place of the asset's own price).
      const categoryPrice = await read('reading the e-mode price', () => oracle.getFunction('getAssetPrice')(category.priceSource, { blockTag }) as Promise<bigint>)
      for (const r of reserves) if (r.state.eModeCategory === eModeId) r.state.priceBase = categoryPrice
    }
  }

  const input: AaveAccountInput = { reserves: reserves.map((r) => r.state), userEMode, baseCurrencyDecimals }
  const replicated = calculateAaveAccount(input)
  const [totalCollateralBase, totalDebtBase, availableBorrowsBase, currentLiquidationThreshold, ltv, healthFactor] = accountData as [bigint, bigint, bigint, bigint, bigint, bigint]

  const balances: Balance[] = []
  for (const r of reserves) {
    const s = r.state
    const price = fromFixedPoint(s.priceBase, baseCurrencyDecimals)
    const flags = r.symbolKnown ? [] : ['unknown-symbol']
    const canonical = canonicalAsset(s.symbol)
    const valueOf = (amount: bigint) => fromFixedPoint((amount * s.priceBase) / 10n ** BigInt(s.decimals), baseCurrencyDecimals)
    if (s.suppliedBalance > 0n) {
      balances.push({
        asset: s.symbol, canonicalAsset: canonical.factor, kind: 'collateral', amount: fromFixedPoint(s.suppliedBalance, s.decimals),
        priceUsd: price, valueUsd: valueOf(s.suppliedBalance), usableAsCollateral: s.usageAsCollateralEnabled && s.liquidationThresholdBps !== 0n && r.reserveCollateralEnabled,
        flags, raw: { asset: s.asset, ...r.raw },
      })
    }
    const debt = s.variableDebt + s.stableDebt
    if (debt > 0n) {
      balances.push({
        asset: s.symbol, canonicalAsset: canonical.factor, kind: 'debt', amount: fromFixedPoint(debt, s.decimals),
        priceUsd: price, valueUsd: valueOf(debt), usableAsCollateral: null, flags, raw: { asset: s.asset, variableDebt: s.variableDebt, stableDebt: s.stableDebt },
      })
    }
  }

  const liquidationPrices = reserves
    .filter((r) => r.state.suppliedBalance > 0n)
    .map((r) => ({ asset: r.state.symbol, priceUsd: aaveLiquidationPrice(input, r.state.asset) }))

  return {
    asOf: new Date(latest.block.timestamp * 1000),
    blockNumber: BigInt(blockTag),
    positions: [],
    balances,
    margin: {
      reported: aaveFigures({ totalCollateralBase, totalDebtBase, availableBorrowsBase, currentLiquidationThreshold, ltv, healthFactor }, baseCurrencyDecimals),
      replicated: aaveFigures(replicated, baseCurrencyDecimals),
      details: { eModeCategory: eModeId.toString(), hasZeroLtvCollateral: replicated.hasZeroLtvCollateral, liquidationPrices },
    },
    raw: { blockNumber: blockTag, pool: poolAddress, accountData, eModeId, reserves: reserves.map((r) => ({ asset: r.state.asset, symbol: r.state.symbol, ...r.raw })) },
  }
}

export const aaveV3Connector: VenueConnector<AaveV3Config, AaveV3Client> = {
  descriptor: aaveV3Descriptor,
  createClient,
  fetchAccount,
  closeClient: (client) => client.provider.destroy(),
}
