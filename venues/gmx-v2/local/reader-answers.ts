// What the local Reader answers, built from the state (state.ts) and the prices the caller passes, in the shape of
// gmx-synthetics ReaderPositionUtils.getPositionInfo: P&L at the index price GMX uses for P&L (PositionUtils.
// getPositionPnlUsd, without the pool's profit cap), fee amounts as USD over the collateral token's min price
// (PositionPricingUtils.getPositionFees), the pending impact valued at the index price
// (_getProportionalPendingImpactValues), totals as getPositionInfo sums them. Referral, pro-tier and UI fees are zero.
import { ZeroAddress } from 'ethers'
import { solidityPositionKey } from './datastore-keys.js'
import type { LocalMarket, LocalPosition } from './state.js'

export interface Price {
  min: bigint
  max: bigint
}

export interface MarketPrices {
  indexTokenPrice: Price
  longTokenPrice: Price
  shortTokenPrice: Price
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

export function positionProps(p: LocalPosition) {
  return {
    addresses: { account: p.account, market: p.market, collateralToken: p.collateralToken },
    numbers: {
      sizeInUsd: p.sizeInUsd, sizeInTokens: p.sizeInTokens, collateralAmount: p.collateralAmount, pendingImpactAmount: p.pendingImpactAmount,
      borrowingFactor: 0n, fundingFeeAmountPerSize: 0n, longTokenClaimableFundingAmountPerSize: 0n, shortTokenClaimableFundingAmountPerSize: 0n,
      increasedAtTime: p.increasedAtTime, decreasedAtTime: 0n,
    },
    flags: { isLong: p.isLong },
  }
}

export function localPositionKey(p: LocalPosition): string {
  return solidityPositionKey(p.account, p.market, p.collateralToken, p.isLong)
}

export function positionInfo(p: LocalPosition, market: LocalMarket, prices: MarketPrices) {
  // MarketUtils.getCachedTokenPrice: the collateral is the market's long or short token.
  const collateralPrice = same(p.collateralToken, market.longToken) ? prices.longTokenPrice : prices.shortTokenPrice
  const index = prices.indexTokenPrice
  const positionFeeAmount = p.positionFeeUsd / collateralPrice.min
  const borrowingFeeAmount = p.borrowingFeeUsd / collateralPrice.min
  const totalCostAmountExcludingFunding = positionFeeAmount + borrowingFeeAmount
  const pnl = p.isLong ? p.sizeInTokens * index.min - p.sizeInUsd : p.sizeInUsd - p.sizeInTokens * index.max
  const proportionalPendingImpactUsd = p.pendingImpactAmount * (p.pendingImpactAmount > 0n ? index.min : index.max)
  return {
    positionKey: localPositionKey(p),
    position: positionProps(p),
    fees: {
      referral: { referralCode: `0x${'0'.repeat(64)}`, affiliate: ZeroAddress, trader: p.account, totalRebateFactor: 0n, affiliateRewardFactor: 0n, adjustedAffiliateRewardFactor: 0n, traderDiscountFactor: 0n, totalRebateAmount: 0n, traderDiscountAmount: 0n, affiliateRewardAmount: 0n },
      pro: { traderTier: 0n, traderDiscountFactor: 0n, traderDiscountAmount: 0n },
      funding: { fundingFeeAmount: p.fundingFeeAmount, claimableLongTokenAmount: p.claimableLongTokenAmount, claimableShortTokenAmount: p.claimableShortTokenAmount, latestFundingFeeAmountPerSize: 0n, latestLongTokenClaimableFundingAmountPerSize: 0n, latestShortTokenClaimableFundingAmountPerSize: 0n },
      borrowing: { borrowingFeeUsd: p.borrowingFeeUsd, borrowingFeeAmount, borrowingFeeReceiverFactor: 0n, borrowingFeeAmountForFeeReceiver: 0n },
      ui: { uiFeeReceiver: ZeroAddress, uiFeeReceiverFactor: 0n, uiFeeAmount: 0n },
      liquidation: { liquidationFeeUsd: 0n, liquidationFeeAmount: 0n, liquidationFeeReceiverFactor: 0n, liquidationFeeAmountForFeeReceiver: 0n },
      collateralTokenPrice: collateralPrice,
      positionFeeFactor: p.sizeInUsd === 0n ? 0n : (p.positionFeeUsd * 10n ** 30n) / p.sizeInUsd,
      protocolFeeAmount: 0n, positionFeeReceiverFactor: 0n, feeReceiverAmount: 0n, feeAmountForPool: 0n, positionFeeAmountForPool: positionFeeAmount,
      positionFeeAmount,
      totalCostAmountExcludingFunding,
      totalCostAmount: totalCostAmountExcludingFunding + p.fundingFeeAmount,
      totalDiscountAmount: 0n,
    },
    executionPriceResult: {
      priceImpactUsd: p.closingPriceImpactUsd,
      // A decrease with no impact fills at the price unfavourable to the trader (min for a long, max for a short).
      executionPrice: p.isLong ? index.min : index.max,
      balanceWasImproved: false,
      proportionalPendingImpactUsd,
      totalImpactUsd: p.closingPriceImpactUsd + proportionalPendingImpactUsd,
      priceImpactDiffUsd: 0n,
    },
    basePnlUsd: pnl,
    uncappedBasePnlUsd: pnl,
    pnlAfterPriceImpactUsd: p.closingPriceImpactUsd + pnl,
  }
}
