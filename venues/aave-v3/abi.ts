// The few contract functions the connector reads, as human-readable ABI fragments (ethers 6), each with the shape
// ethers decodes its answer into (../evm-abi.ts); every integer, uint8 to uint256, decodes to a bigint.
import { z } from 'zod'
import { address, TypedAbi } from '../evm-abi.js'
export const ADDRESSES_PROVIDER_ABI = [
  'function getPool() view returns (address)',
  'function getPoolDataProvider() view returns (address)',
  'function getPriceOracle() view returns (address)',
]

export const POOL_ABI = [
  'function getUserAccountData(address user) view returns (uint256 totalCollateralBase, uint256 totalDebtBase, uint256 availableBorrowsBase, uint256 currentLiquidationThreshold, uint256 ltv, uint256 healthFactor)',
  'function getReservesList() view returns (address[])',
  'function getUserEMode(address user) view returns (uint256)',
  'function getEModeCategoryData(uint8 id) view returns (tuple(uint16 ltv, uint16 liquidationThreshold, uint16 liquidationBonus, address priceSource, string label))',
  // Aave v3.2+ (liquid e-modes): an asset may be in several categories, set by bitmaps over reserve ids; the
  // category in a reserve's configuration word is no longer kept up to date, and the e-mode oracle is gone.
  'function getEModeCategoryCollateralConfig(uint8 id) view returns (tuple(uint16 ltv, uint16 liquidationThreshold, uint16 liquidationBonus))',
  'function getEModeCategoryCollateralBitmap(uint8 id) view returns (uint128)',
  'function getEModeCategoryLabel(uint8 id) view returns (string)',
  // Aave v3.3+ only (bad-debt deficits): its presence says the pool liquidates by v3.3's rules.
  'function getReserveDeficit(address asset) view returns (uint256)',
  'function getReserveData(address asset) view returns (tuple(tuple(uint256 data) configuration, uint128 liquidityIndex, uint128 currentLiquidityRate, uint128 variableBorrowIndex, uint128 currentVariableBorrowRate, uint128 currentStableBorrowRate, uint40 lastUpdateTimestamp, uint16 id, address aTokenAddress, address stableDebtTokenAddress, address variableDebtTokenAddress, address interestRateStrategyAddress, uint128 accruedToTreasury, uint128 unbacked, uint128 isolationModeTotalDebt))',
]

export const DATA_PROVIDER_ABI = [
  'function getReserveConfigurationData(address asset) view returns (uint256 decimals, uint256 ltv, uint256 liquidationThreshold, uint256 liquidationBonus, uint256 reserveFactor, bool usageAsCollateralEnabled, bool borrowingEnabled, bool stableBorrowRateEnabled, bool isActive, bool isFrozen)',
  'function getUserReserveData(address asset, address user) view returns (uint256 currentATokenBalance, uint256 currentStableDebt, uint256 currentVariableDebt, uint256 principalStableDebt, uint256 scaledVariableDebt, uint256 stableBorrowRate, uint256 liquidityRate, uint40 stableRateLastUpdated, bool usageAsCollateralEnabled)',
  'function getReserveEModeCategory(address asset) view returns (uint256)',
  'function getReserveData(address asset) view returns (uint256 unbacked, uint256 accruedToTreasuryScaled, uint256 totalAToken, uint256 totalStableDebt, uint256 totalVariableDebt, uint256 liquidityRate, uint256 variableBorrowRate, uint256 stableBorrowRate, uint256 averageStableBorrowRate, uint256 liquidityIndex, uint256 variableBorrowIndex, uint40 lastUpdateTimestamp)',
]

export const ORACLE_ABI = [
  'function getAssetPrice(address asset) view returns (uint256)',
  'function BASE_CURRENCY_UNIT() view returns (uint256)',
]

export const ERC20_METADATA_ABI = ['function symbol() view returns (string)']

const uint = z.bigint()
const EMODE_COLLATERAL = { ltv: uint, liquidationThreshold: uint, liquidationBonus: uint }

export const ADDRESSES_PROVIDER = new TypedAbi('aave-v3', ADDRESSES_PROVIDER_ABI, { getPool: address, getPoolDataProvider: address, getPriceOracle: address })

export const POOL = new TypedAbi('aave-v3', POOL_ABI, {
  getUserAccountData: z.object({ totalCollateralBase: uint, totalDebtBase: uint, availableBorrowsBase: uint, currentLiquidationThreshold: uint, ltv: uint, healthFactor: uint }),
  getReservesList: z.array(address),
  getUserEMode: uint,
  getEModeCategoryData: z.object({ ...EMODE_COLLATERAL, priceSource: address, label: z.string() }),
  getEModeCategoryCollateralConfig: z.object(EMODE_COLLATERAL),
  getEModeCategoryCollateralBitmap: uint,
  getEModeCategoryLabel: z.string(),
  getReserveDeficit: uint,
  // The fields read; the rest of ReserveData is left out.
  getReserveData: z.object({ configuration: z.object({ data: uint }), id: uint, isolationModeTotalDebt: uint }),
})

export const DATA_PROVIDER = new TypedAbi('aave-v3', DATA_PROVIDER_ABI, {
  // Every field: the answer is kept in the snapshot's raw payload.
  getUserReserveData: z.object({
    currentATokenBalance: uint, currentStableDebt: uint, currentVariableDebt: uint, principalStableDebt: uint, scaledVariableDebt: uint,
    stableBorrowRate: uint, liquidityRate: uint, stableRateLastUpdated: uint, usageAsCollateralEnabled: z.boolean(),
  }),
  getReserveData: z.object({ totalAToken: uint, totalStableDebt: uint, totalVariableDebt: uint }),
})

export const ORACLE = new TypedAbi('aave-v3', ORACLE_ABI, { getAssetPrice: uint, BASE_CURRENCY_UNIT: uint })
export const ERC20_METADATA = new TypedAbi('aave-v3', ERC20_METADATA_ABI, { symbol: z.string() })
