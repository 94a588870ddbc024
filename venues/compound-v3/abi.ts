// The Comet functions the connector calls, as human-readable ABI fragments (ethers 6), written from
// compound-finance/comet contracts/CometMainInterface.sol, CometExtInterface.sol (totalsBasic, collateralBalanceOf,
// reached through Comet's fallback to its extension) and CometStorage.sol (the public userBasic mapping), at commit
// d5a30b0a. CometWithExtendedAssetList, the newer implementation, keeps the same functions. COMET and ERC20_METADATA
// pair them with the shapes of their answers (../evm-abi.ts); every integer decodes to a bigint.
import { z } from 'zod'
import { address, TypedAbi } from '../evm-abi.js'

/** CometCore.AssetInfo: factors scaled by 1e18, scale = 10^decimals, supplyCap in the asset's smallest units. */
const ASSET_INFO = '(uint8 offset, address asset, address priceFeed, uint64 scale, uint64 borrowCollateralFactor, uint64 liquidateCollateralFactor, uint64 liquidationFactor, uint128 supplyCap)'
/** CometStorage.TotalsBasic: the indices as of the market's last accrual (lastAccrualTime), scaled by 1e15. */
const TOTALS_BASIC = '(uint64 baseSupplyIndex, uint64 baseBorrowIndex, uint64 trackingSupplyIndex, uint64 trackingBorrowIndex, uint104 totalSupplyBase, uint104 totalBorrowBase, uint40 lastAccrualTime, uint8 pauseFlags)'

export const COMET_ABI = [
  'function baseToken() view returns (address)',
  'function baseTokenPriceFeed() view returns (address)',
  'function baseScale() view returns (uint256)',
  'function numAssets() view returns (uint8)',
  `function getAssetInfo(uint8 i) view returns (${ASSET_INFO})`,
  'function getPrice(address priceFeed) view returns (uint256)',
  'function balanceOf(address account) view returns (uint256)',
  'function borrowBalanceOf(address account) view returns (uint256)',
  'function collateralBalanceOf(address account, address asset) view returns (uint128)',
  // The public getter of CometStorage.userBasic: principal is the signed base balance at the market's indices;
  // assetsIn flags the collateral assets held (bits 0–15), _reserved bits 16–23 on CometWithExtendedAssetList.
  'function userBasic(address account) view returns (int104 principal, uint64 baseTrackingIndex, uint64 baseTrackingAccrued, uint16 assetsIn, uint8 _reserved)',
  `function totalsBasic() view returns (${TOTALS_BASIC})`,
  'function isLiquidatable(address account) view returns (bool)',
  'function isBorrowCollateralized(address account) view returns (bool)',
  // CometMainInterface errors the reads above can revert with.
  'error BadAsset()',
  'error BadPrice()',
  'error Absurd()',
]

export const ERC20_METADATA_ABI = ['function symbol() view returns (string)']

const uint = z.bigint()

export const COMET = new TypedAbi('compound-v3', COMET_ABI, {
  baseToken: address,
  baseTokenPriceFeed: address,
  baseScale: uint,
  numAssets: uint,
  getAssetInfo: z.looseObject({ offset: uint, asset: address, priceFeed: address, scale: uint, borrowCollateralFactor: uint, liquidateCollateralFactor: uint, liquidationFactor: uint, supplyCap: uint }),
  getPrice: uint,
  balanceOf: uint,
  borrowBalanceOf: uint,
  collateralBalanceOf: uint,
  userBasic: z.looseObject({ principal: uint, baseTrackingIndex: uint, baseTrackingAccrued: uint, assetsIn: uint, _reserved: uint }),
  // Every field: the answer is kept in the snapshot's raw payload.
  totalsBasic: z.looseObject({ baseSupplyIndex: uint, baseBorrowIndex: uint, trackingSupplyIndex: uint, trackingBorrowIndex: uint, totalSupplyBase: uint, totalBorrowBase: uint, lastAccrualTime: uint, pauseFlags: uint }),
  isLiquidatable: z.boolean(),
  isBorrowCollateralized: z.boolean(),
})

export const ERC20_METADATA = new TypedAbi('compound-v3', ERC20_METADATA_ABI, { symbol: z.string() })
