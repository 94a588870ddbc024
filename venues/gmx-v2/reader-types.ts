// The shapes ethers decodes the Reader's answers into (abi.ts), as TypeScript sees them: named fields, bigints.

export interface PriceProps {
  min: bigint
  max: bigint
}

export interface MarketPricesArg {
  indexTokenPrice: PriceProps
  longTokenPrice: PriceProps
  shortTokenPrice: PriceProps
}

export interface PositionProps {
  addresses: { account: string; market: string; collateralToken: string }
  numbers: {
    sizeInUsd: bigint
    sizeInTokens: bigint
    collateralAmount: bigint
    pendingImpactAmount: bigint
    borrowingFactor: bigint
    fundingFeeAmountPerSize: bigint
    longTokenClaimableFundingAmountPerSize: bigint
    shortTokenClaimableFundingAmountPerSize: bigint
    increasedAtTime: bigint
    decreasedAtTime: bigint
  }
  flags: { isLong: boolean }
}

export interface PositionFees {
  funding: { fundingFeeAmount: bigint; claimableLongTokenAmount: bigint; claimableShortTokenAmount: bigint }
  borrowing: { borrowingFeeUsd: bigint; borrowingFeeAmount: bigint }
  ui: { uiFeeAmount: bigint }
  collateralTokenPrice: PriceProps
  positionFeeAmount: bigint
  totalCostAmountExcludingFunding: bigint
  totalCostAmount: bigint
  totalDiscountAmount: bigint
}

export interface PositionInfo {
  positionKey: string
  position: PositionProps
  fees: PositionFees
  executionPriceResult: { priceImpactUsd: bigint; executionPrice: bigint; proportionalPendingImpactUsd: bigint; totalImpactUsd: bigint }
  basePnlUsd: bigint
  uncappedBasePnlUsd: bigint
  pnlAfterPriceImpactUsd: bigint
}

export interface MarketProps {
  marketToken: string
  indexToken: string
  longToken: string
  shortToken: string
}
