// The GMX v2 contract functions the connector calls, as human-readable ABI fragments (ethers 6), written from the
// deployed Reader's ABI (gmx-synthetics deployments/arbitrum/Reader.json, identical on Avalanche) and DataStore.sol.
// abi-and-keys.test.ts checks each full signature against the one the deployment file gives; READER and DATA_STORE
// pair the functions with the shapes of their answers (reader-types.ts, ../evm-abi.ts).
import { z } from 'zod'
import { TypedAbi } from '../evm-abi.js'
import { MarketPropsSchema, PositionInfoSchema, PositionPropsSchema } from './reader-types.js'

const PRICE = '(uint256 min, uint256 max)'
/** MarketUtils.MarketPrices: index, long and short token prices, each per smallest token unit × 10^30. */
const MARKET_PRICES = `(${PRICE} indexTokenPrice, ${PRICE} longTokenPrice, ${PRICE} shortTokenPrice)`
/** Position.Props (Position.sol). */
const POSITION =
  '((address account, address market, address collateralToken) addresses, (uint256 sizeInUsd, uint256 sizeInTokens, uint256 collateralAmount, int256 pendingImpactAmount, uint256 borrowingFactor, uint256 fundingFeeAmountPerSize, uint256 longTokenClaimableFundingAmountPerSize, uint256 shortTokenClaimableFundingAmountPerSize, uint256 increasedAtTime, uint256 decreasedAtTime) numbers, (bool isLong) flags)'
/** PositionPricingUtils.PositionFees. */
const FEES =
  '((bytes32 referralCode, address affiliate, address trader, uint256 totalRebateFactor, uint256 affiliateRewardFactor, uint256 adjustedAffiliateRewardFactor, uint256 traderDiscountFactor, uint256 totalRebateAmount, uint256 traderDiscountAmount, uint256 affiliateRewardAmount) referral, ' +
  '(uint256 traderTier, uint256 traderDiscountFactor, uint256 traderDiscountAmount) pro, ' +
  '(uint256 fundingFeeAmount, uint256 claimableLongTokenAmount, uint256 claimableShortTokenAmount, uint256 latestFundingFeeAmountPerSize, uint256 latestLongTokenClaimableFundingAmountPerSize, uint256 latestShortTokenClaimableFundingAmountPerSize) funding, ' +
  '(uint256 borrowingFeeUsd, uint256 borrowingFeeAmount, uint256 borrowingFeeReceiverFactor, uint256 borrowingFeeAmountForFeeReceiver) borrowing, ' +
  '(address uiFeeReceiver, uint256 uiFeeReceiverFactor, uint256 uiFeeAmount) ui, ' +
  '(uint256 liquidationFeeUsd, uint256 liquidationFeeAmount, uint256 liquidationFeeReceiverFactor, uint256 liquidationFeeAmountForFeeReceiver) liquidation, ' +
  `${PRICE} collateralTokenPrice, uint256 positionFeeFactor, uint256 protocolFeeAmount, uint256 positionFeeReceiverFactor, uint256 feeReceiverAmount, uint256 feeAmountForPool, uint256 positionFeeAmountForPool, uint256 positionFeeAmount, uint256 totalCostAmountExcludingFunding, uint256 totalCostAmount, uint256 totalDiscountAmount)`
/** ReaderPricingUtils.ExecutionPriceResult. */
const EXECUTION_PRICE = '(int256 priceImpactUsd, uint256 executionPrice, bool balanceWasImproved, int256 proportionalPendingImpactUsd, int256 totalImpactUsd, uint256 priceImpactDiffUsd)'
/** ReaderPositionUtils.PositionInfo. */
const POSITION_INFO = `(bytes32 positionKey, ${POSITION} position, ${FEES} fees, ${EXECUTION_PRICE} executionPriceResult, int256 basePnlUsd, int256 uncappedBasePnlUsd, int256 pnlAfterPriceImpactUsd)`

export const READER_ABI = [
  `function getAccountPositionInfoList(address dataStore, address referralStorage, address account, address[] markets, ${MARKET_PRICES}[] marketPrices, address uiFeeReceiver, uint256 start, uint256 end) view returns (${POSITION_INFO}[])`,
  `function getPositionInfoList(address dataStore, address referralStorage, bytes32[] positionKeys, ${MARKET_PRICES}[] prices, address uiFeeReceiver) view returns (${POSITION_INFO}[])`,
  `function getAccountPositions(address dataStore, address account, uint256 start, uint256 end) view returns (${POSITION}[])`,
  'function getMarket(address dataStore, address key) view returns ((address marketToken, address indexToken, address longToken, address shortToken))',
  // Errors.sol: what ReaderPositionUtils reverts with when a position's market has no price in the call.
  'error EmptyMarketPrice(address market)',
]

export const DATA_STORE_ABI = ['function getUint(bytes32 key) view returns (uint256)']

export const READER = new TypedAbi('gmx-v2', READER_ABI, {
  getAccountPositionInfoList: z.array(PositionInfoSchema),
  getPositionInfoList: z.array(PositionInfoSchema),
  getAccountPositions: z.array(PositionPropsSchema),
  getMarket: MarketPropsSchema,
})

export const DATA_STORE = new TypedAbi('gmx-v2', DATA_STORE_ABI, { getUint: z.bigint() })
