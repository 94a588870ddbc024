// Aave v3 connector: every read of one account pinned to one block through ethers 6 JSON-RPC (batched), mapped
// to balances (collateral and debt per reserve) and the venue's figures beside our replication of its rule.
import { ZeroAddress, type JsonRpcProvider } from 'ethers'
import { canonicalAsset } from '../../core/assets.js'
import { fromFixedPoint } from '../../core/decimal.js'
import type { Balance, VenueSnapshot } from '../../core/domain.js'
import { VenueRejected } from '../../core/errors.js'
import { assertFreshHead, createEvmProvider, evmRpcErrors, plain, readChainHead } from '../evm-rpc.js'
import type { ClientEnvironment, FetchContext, VenueConnector } from '../types.js'
import { ADDRESSES_PROVIDER, DATA_PROVIDER, ERC20_METADATA, ORACLE, POOL } from './abi.js'
import { contractRead, mayFail, OneBlockReader, type ReadSet } from './one-block-reader.js'
import { DEBT_CEILING_DECIMALS, decodeReserveConfiguration } from './reserve-configuration.js'
import { verifyAaveAccount } from './verify.js'
import { aaveV3Descriptor, type AaveV3Config } from './descriptor.js'
import { aaveCollateralFactors, aaveEffectivePrice, aaveFigures, aaveLiquidationPrice, calculateAaveAccount, simulateAaveLiquidation, type AaveAccountInput, type AaveReserveState } from './margin.js'

export interface AaveV3Client {
  provider: JsonRpcProvider
}

const VENUE = 'aave-v3'

interface EModeCategory {
  ltv: bigint
  liquidationThreshold: bigint
  liquidationBonus: bigint
  /** ZeroAddress when the category has no price source (always, from v3.2). */
  priceSource: string
  label: string
  /** v3.2+: which reserve ids are collateral in the category; null before 3.2 (the reserves' own category counts). */
  collateralBitmap: bigint | null
}

/** The user's e-mode category as read: each of the four reads answers null where it failed (or was not made). */
interface EModeAnswers {
  config: { ltv: bigint; liquidationThreshold: bigint; liquidationBonus: bigint } | null
  bitmap: bigint | null
  label: string | null
  legacy: { ltv: bigint; liquidationThreshold: bigint; liquidationBonus: bigint; priceSource: string; label: string } | null
}

/**
 * The user's category from the four allowed-to-fail reads (v3.2+ collateral config, collateral bitmap, label; the
 * legacy getEModeCategoryData): the v3.2+ getters where the pool answers them, else the legacy one.
 */
function eModeCategoryOf(id: bigint, { config, bitmap, label, legacy }: EModeAnswers): EModeCategory {
  if (config && bitmap !== null) {
    return { ltv: config.ltv, liquidationThreshold: config.liquidationThreshold, liquidationBonus: config.liquidationBonus, priceSource: ZeroAddress, label: label ?? '', collateralBitmap: bitmap }
  }
  if (legacy) {
    return { ltv: legacy.ltv, liquidationThreshold: legacy.liquidationThreshold, liquidationBonus: legacy.liquidationBonus, priceSource: legacy.priceSource, label: legacy.label, collateralBitmap: null }
  }
  throw new VenueRejected(`${VENUE}: the pool answers neither getEModeCategoryCollateralConfig/Bitmap (v3.2+) nor getEModeCategoryData for the user's e-mode category ${id}`)
}

function createClient(config: AaveV3Config, env: ClientEnvironment): AaveV3Client {
  // A venue-specific override (CROSSMARGIN_AAVE_V3_URL) wins over a generic one for any JSON-RPC venue. Without a
  // configured chain id the network label is nominal (no ENS here); fetchAccount checks the real one when given.
  return { provider: createEvmProvider(env.urlOverrides?.[VENUE] ?? env.urlOverrides?.rpc ?? config.rpcUrl, config.chainId ?? 1, env.timeoutMs) }
}

/** ethers' failures as the error vocabulary, naming the step and never the RPC URL (it may hold a key). */
const rpc = evmRpcErrors(VENUE, 'is poolAddressesProvider an Aave v3 PoolAddressesProvider on this chain?')
const read = rpc.round

async function fetchAccount(client: AaveV3Client, config: AaveV3Config, ctx: FetchContext): Promise<VenueSnapshot> {
  const { provider } = client
  const { signal } = ctx
  // One block for every read below: figures from different blocks would not add up.
  const head = await readChainHead(rpc, provider, signal)
  if (config.chainId !== undefined && head.chainId !== config.chainId) {
    throw new VenueRejected(`${VENUE}: RPC serves chain ${head.chainId}, the account is configured for chain ${config.chainId}`)
  }
  assertFreshHead(VENUE, head, ctx, config.maxBlockAgeSeconds)
  const blockTag = head.blockNumber

  const reader = await read('checking for Multicall3', signal, () => OneBlockReader.open(provider, blockTag, config.multicall3 === false ? null : config.multicall3))
  const all = <R extends ReadSet>(what: string, reads: R) => read(what, signal, () => reader.all(reads))
  const providerHint = 'is poolAddressesProvider an Aave v3 PoolAddressesProvider on this chain?'
  const addresses = await all('reading the market addresses from the PoolAddressesProvider', {
    pool: contractRead(ADDRESSES_PROVIDER, config.poolAddressesProvider, 'getPool', [], providerHint),
    dataProvider: contractRead(ADDRESSES_PROVIDER, config.poolAddressesProvider, 'getPoolDataProvider', [], providerHint),
    oracle: contractRead(ADDRESSES_PROVIDER, config.poolAddressesProvider, 'getPriceOracle', [], providerHint),
  })
  const poolAddress = addresses.pool
  const dataProviderAddress = addresses.dataProvider
  const oracleAddress = addresses.oracle

  const account = await all('reading the account (getUserAccountData)', {
    data: contractRead(POOL, poolAddress, 'getUserAccountData', [config.user]),
    reservesList: contractRead(POOL, poolAddress, 'getReservesList'),
    eMode: contractRead(POOL, poolAddress, 'getUserEMode', [config.user]),
    baseUnit: contractRead(ORACLE, oracleAddress, 'BASE_CURRENCY_UNIT'),
  })
  const reservesList = account.reservesList
  const eModeId = account.eMode
  const baseUnit = account.baseUnit
  const baseCurrencyDecimals = baseUnit.toString().length - 1

  const inEMode = eModeId === 0n ? [] : [eModeId]
  // Per reserve, in one round: the Pool's own record (configuration word, isolation-mode debt), the totals for the
  // caps, the user's balances, the price and the symbol.
  const answers = await all('reading the reserves', {
    poolData: reservesList.map((asset) => contractRead(POOL, poolAddress, 'getReserveData', [asset])),
    totals: reservesList.map((asset) => contractRead(DATA_PROVIDER, dataProviderAddress, 'getReserveData', [asset])),
    userData: reservesList.map((asset) => contractRead(DATA_PROVIDER, dataProviderAddress, 'getUserReserveData', [asset, config.user])),
    prices: reservesList.map((asset) => contractRead(ORACLE, oracleAddress, 'getAssetPrice', [asset])),
    // Some tokens (MKR) return bytes32: the address stands in and the balance is flagged.
    symbols: reservesList.map((asset) => mayFail(contractRead(ERC20_METADATA, asset, 'symbol'))),
    // The user's e-mode category, read both ways: v3.2+ getters (which revert before 3.2) and the legacy getter (which
    // may be removed after 3.2).
    eModeConfig: inEMode.map((id) => mayFail(contractRead(POOL, poolAddress, 'getEModeCategoryCollateralConfig', [id]))),
    eModeBitmap: inEMode.map((id) => mayFail(contractRead(POOL, poolAddress, 'getEModeCategoryCollateralBitmap', [id]))),
    eModeLabel: inEMode.map((id) => mayFail(contractRead(POOL, poolAddress, 'getEModeCategoryLabel', [id]))),
    eModeLegacy: inEMode.map((id) => mayFail(contractRead(POOL, poolAddress, 'getEModeCategoryData', [id]))),
    // Which liquidation rules the pool follows: v3.3 added getReserveDeficit.
    deficit: reservesList.slice(0, 1).map((asset) => mayFail(contractRead(POOL, poolAddress, 'getReserveDeficit', [asset]))),
  })
  const eModeCategory =
    eModeId === 0n ? null : eModeCategoryOf(eModeId, { config: answers.eModeConfig[0] ?? null, bitmap: answers.eModeBitmap[0] ?? null, label: answers.eModeLabel[0] ?? null, legacy: answers.eModeLegacy[0] ?? null })
  const liquidationRules = answers.deficit.length > 0 && answers.deficit[0] !== null ? 'v3.3' : 'v3.0'
  const reserves = reservesList.map((asset, i) => {
    const record = answers.poolData[i]!
    const totals = answers.totals[i]!
    const userData = answers.userData[i]!
    const configuration = decodeReserveConfiguration(record.configuration.data)
    const symbol = answers.symbols[i] ?? null
    const stableDebt = userData.currentStableDebt
    const variableDebt = userData.currentVariableDebt
    const state: AaveReserveState = {
      asset,
      symbol: symbol ?? asset,
      decimals: configuration.decimals,
      priceBase: answers.prices[i]!,
      aTokenBalance: userData.currentATokenBalance,
      debtBalance: variableDebt + stableDebt,
      // The user's own flag; a reserve whose LT is 0 cannot count as collateral anyway (margin.ts).
      usageAsCollateralEnabled: userData.usageAsCollateralEnabled,
      ltvBps: configuration.ltvBps,
      liquidationThresholdBps: configuration.liquidationThresholdBps,
      // In the user's category: by the category's collateral bitmap (v3.2+), else by the reserve's own category.
      eModeCategory: eModeCategory?.collateralBitmap != null ? (((eModeCategory.collateralBitmap >> record.id) & 1n) === 1n ? eModeId : 0n) : configuration.eModeCategory,
    }
    const supplied = { totalSupplied: totals.totalAToken, totalBorrowed: totals.totalStableDebt + totals.totalVariableDebt }
    return { state, configuration, isolationModeTotalDebt: record.isolationModeTotalDebt, ...supplied, stableDebt, variableDebt, symbolKnown: symbol !== null, reserveCollateralEnabled: configuration.liquidationThresholdBps !== 0n, raw: { configuration: plain(configuration), userData } }
  })
  let userEMode: AaveAccountInput['userEMode'] = null
  if (eModeCategory) {
    // A category's price source prices every asset of the category for this user (GenericLogic), not for display.
    const priceSourceSet = eModeCategory.priceSource !== ZeroAddress
    const categoryPrice = priceSourceSet ? (await all('reading the e-mode price source', { price: contractRead(ORACLE, oracleAddress, 'getAssetPrice', [eModeCategory.priceSource]) })).price : null
    userEMode = { id: eModeId, ltvBps: BigInt(eModeCategory.ltv), liquidationThresholdBps: BigInt(eModeCategory.liquidationThreshold), priceBase: categoryPrice }
  }
  const input: AaveAccountInput = { reserves: reserves.map((r) => r.state), userEMode, baseCurrencyDecimals }
  const replicated = calculateAaveAccount(input)
  const { totalCollateralBase, totalDebtBase, availableBorrowsBase, currentLiquidationThreshold, ltv, healthFactor } = account.data

  const balances: Balance[] = []
  for (const r of reserves) {
    const s = r.state
    // Balances show the asset's own oracle price; an e-mode price source only enters the account figures.
    const price = fromFixedPoint(s.priceBase, baseCurrencyDecimals)
    const flags = r.symbolKnown ? [] : ['unknown-symbol']
    const canonical = canonicalAsset(s.symbol)
    const valueOf = (amount: bigint) => fromFixedPoint((amount * s.priceBase) / 10n ** BigInt(s.decimals), baseCurrencyDecimals)
    if (s.aTokenBalance > 0n) {
      const usable = s.usageAsCollateralEnabled && s.liquidationThresholdBps !== 0n && r.reserveCollateralEnabled
      balances.push({
        asset: s.symbol, canonicalAsset: canonical.factor, kind: 'collateral', amount: fromFixedPoint(s.aTokenBalance, s.decimals),
        priceUsd: price, valueUsd: valueOf(s.aTokenBalance), usableAsCollateral: usable,
        // Counts towards the health factor but backs no new borrow.
        flags: usable && s.ltvBps === 0n ? [...flags, 'ltv-zero'] : flags,
        raw: { asset: s.asset, configuration: r.raw.configuration, userData: plain(r.raw.userData) },
      })
    }
    if (s.debtBalance > 0n) {
      balances.push({
        asset: s.symbol, canonicalAsset: canonical.factor, kind: 'debt', amount: fromFixedPoint(s.debtBalance, s.decimals),
        priceUsd: price, valueUsd: valueOf(s.debtBalance), usableAsCollateral: null, flags,
        raw: { asset: s.asset, variableDebt: r.variableDebt.toString(), stableDebt: r.stableDebt.toString() },
      })
    }
  }

  // Isolation mode (UserConfiguration.getIsolationModeState): exactly one collateral enabled, and it has a debt
  // ceiling. The user may then borrow only assets borrowable in isolation, up to what is left of the ceiling.
  const enabledCollateral = reserves.filter((r) => r.state.usageAsCollateralEnabled)
  const isolated = enabledCollateral.length === 1 && enabledCollateral[0]!.configuration.debtCeiling !== 0n ? enabledCollateral[0]! : null
  const isolationMode = isolated
    ? {
        asset: isolated.state.symbol,
        debtCeilingUsd: fromFixedPoint(isolated.configuration.debtCeiling, DEBT_CEILING_DECIMALS),
        totalDebtUsd: fromFixedPoint(isolated.isolationModeTotalDebt, DEBT_CEILING_DECIMALS),
        borrowableAssets: reserves.filter((r) => r.configuration.borrowableInIsolation).map((r) => r.state.symbol),
      }
    : null
  const reserveDetails = reserves.map((r) => {
    const c = r.configuration
    const tokens = (amount: bigint) => fromFixedPoint(amount, c.decimals)
    return {
      asset: r.state.symbol,
      address: r.state.asset,
      ltv: fromFixedPoint(c.ltvBps, 4),
      liquidationThreshold: fromFixedPoint(c.liquidationThresholdBps, 4),
      liquidationBonus: fromFixedPoint(c.liquidationBonusBps, 4),
      liquidationProtocolFee: fromFixedPoint(c.liquidationProtocolFeeBps, 4),
      eModeCategory: Number(c.eModeCategory),
      active: c.active,
      frozen: c.frozen,
      paused: c.paused,
      borrowingEnabled: c.borrowingEnabled,
      borrowableInIsolation: c.borrowableInIsolation,
      siloedBorrowing: c.siloedBorrowing,
      // Caps are whole tokens, 0 meaning none; the totals beside them say how much room is left.
      supplyCap: c.supplyCap === 0n ? null : c.supplyCap.toString(),
      borrowCap: c.borrowCap === 0n ? null : c.borrowCap.toString(),
      totalSupplied: tokens(r.totalSupplied),
      totalBorrowed: tokens(r.totalBorrowed),
      debtCeilingUsd: c.debtCeiling === 0n ? null : fromFixedPoint(c.debtCeiling, DEBT_CEILING_DECIMALS),
      isolationModeTotalDebtUsd: c.debtCeiling === 0n ? null : fromFixedPoint(r.isolationModeTotalDebt, DEBT_CEILING_DECIMALS),
    }
  })

  // What a liquidator could do to this account at its health factor, per collateral and debt pair (Aave lets the
  // liquidator choose both): the close factor, the debt repaid and the collateral taken, the protocol's fee apart.
  const inUserCategory = (r: (typeof reserves)[number]) => userEMode !== null && userEMode.id !== 0n && r.state.eModeCategory === userEMode.id
  const liquidationSimulation = reserves
    .filter((c) => c.state.usageAsCollateralEnabled && c.state.aTokenBalance > 0n && c.configuration.liquidationThresholdBps !== 0n)
    .flatMap((c) =>
      reserves
        .filter((d) => d.state.debtBalance > 0n)
        .map((d) => {
          const result = simulateAaveLiquidation({
            healthFactor: replicated.healthFactor,
            collateral: {
              priceBase: aaveEffectivePrice(c.state, userEMode),
              decimals: c.state.decimals,
              balance: c.state.aTokenBalance,
              liquidationBonusBps: inUserCategory(c) && eModeCategory ? BigInt(eModeCategory.liquidationBonus) : c.configuration.liquidationBonusBps,
              liquidationProtocolFeeBps: c.configuration.liquidationProtocolFeeBps,
            },
            debt: { priceBase: aaveEffectivePrice(d.state, userEMode), decimals: d.state.decimals, totalDebt: d.state.debtBalance },
            debtToCover: null,
            rules: liquidationRules,
            totalDebtBase: replicated.totalDebtBase,
          })
          return {
            collateral: c.state.symbol,
            debt: d.state.symbol,
            liquidatable: result.liquidatable,
            closeFactor: fromFixedPoint(result.closeFactorBps, 4),
            maxLiquidatableDebt: fromFixedPoint(result.maxLiquidatableDebt, d.state.decimals),
            debtCovered: fromFixedPoint(result.debtCovered, d.state.decimals),
            collateralToLiquidator: fromFixedPoint(result.collateralToLiquidator, c.state.decimals),
            protocolFee: fromFixedPoint(result.protocolFee, c.state.decimals),
            rules: liquidationRules,
            leavesDust: result.leavesDust,
          }
        }),
    )

  const liquidationPrices = reserves
    .filter((r) => r.state.aTokenBalance > 0n)
    .map((r) => ({ asset: r.state.symbol, priceUsd: aaveLiquidationPrice(input, r.state.asset) }))

  return {
    asOf: new Date(head.blockTimestamp * 1000),
    blockNumber: BigInt(blockTag),
    positions: [],
    balances,
    margin: {
      reported: aaveFigures({ totalCollateralBase, totalDebtBase, availableBorrowsBase, currentLiquidationThreshold, ltv, healthFactor }, baseCurrencyDecimals),
      replicated: aaveFigures(replicated, baseCurrencyDecimals),
      details: {
        blockNumber: blockTag,
        eModeCategory: eModeId.toString(),
        eModePriceBase: userEMode?.priceBase?.toString() ?? null,
        hasZeroLtvCollateral: replicated.hasZeroLtvCollateral,
        // This user's weights of each supplied reserve (e-mode applied, 0 where it is not collateral).
        collateralFactors: aaveCollateralFactors(input),
        liquidationPrices,
        isolationMode,
        liquidationSimulation,
        reserves: reserveDetails,
        readPath: reader.path,
      },
    },
    raw: plain({
      blockNumber: blockTag,
      blockTimestamp: head.blockTimestamp,
      chainId: head.chainId,
      addresses: { poolAddressesProvider: config.poolAddressesProvider, pool: poolAddress, dataProvider: dataProviderAddress, oracle: oracleAddress },
      baseCurrencyUnit: baseUnit,
      userAccountData: { totalCollateralBase, totalDebtBase, availableBorrowsBase, currentLiquidationThreshold, ltv, healthFactor },
      userEMode: eModeId,
      eModeCategory: eModeCategory ? { ...eModeCategory, priceBase: userEMode?.priceBase ?? null } : null,
      reserves: reserves.map((r) => ({ asset: r.state.asset, symbol: r.state.symbol, ...r.raw })),
    }),
  }
}

export const aaveV3Connector: VenueConnector<AaveV3Config, AaveV3Client> = {
  descriptor: aaveV3Descriptor,
  createClient,
  fetchAccount,
  verifyAccount: verifyAaveAccount,
  closeClient: (client) => client.provider.destroy(),
}
