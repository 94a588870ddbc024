// The shapes ethers decodes the Reader's answers into (abi.ts): named fields, every integer a bigint. Checked on each
// answer (../evm-abi.ts); the structs stay loose, so fields not read here pass through to the raw payload.
import { z } from 'zod'
import { address } from '../evm-abi.js'

const uint = z.bigint()

export const PricePropsSchema = z.looseObject({ min: uint, max: uint })
export type PriceProps = z.infer<typeof PricePropsSchema>

export interface MarketPricesArg {
  indexTokenPrice: PriceProps
  longTokenPrice: PriceProps
  shortTokenPrice: PriceProps
}

export const PositionPropsSchema = z.looseObject({
  addresses: z.looseObject({ account: address, market: address, collateralToken: address }),
  numbers: z.looseObject({
    sizeInUsd: uint,
    sizeInTokens: uint,
    collateralAmount: uint,
    pendingImpactAmount: uint,
    borrowingFactor: uint,
    fundingFeeAmountPerSize: uint,
    longTokenClaimableFundingAmountPerSize: uint,
    shortTokenClaimableFundingAmountPerSize: uint,
    increasedAtTime: uint,
    decreasedAtTime: uint,
  }),
  flags: z.looseObject({ isLong: z.boolean() }),
})
export type PositionProps = z.infer<typeof PositionPropsSchema>

export const PositionFeesSchema = z.looseObject({
  funding: z.looseObject({ fundingFeeAmount: uint, claimableLongTokenAmount: uint, claimableShortTokenAmount: uint }),
  borrowing: z.looseObject({ borrowingFeeUsd: uint, borrowingFeeAmount: uint }),
  ui: z.looseObject({ uiFeeAmount: uint }),
  collateralTokenPrice: PricePropsSchema,
  positionFeeAmount: uint,
  totalCostAmountExcludingFunding: uint,
  totalCostAmount: uint,
  totalDiscountAmount: uint,
})
export type PositionFees = z.infer<typeof PositionFeesSchema>

export const PositionInfoSchema = z.looseObject({
  positionKey: z.string(),
  position: PositionPropsSchema,
  fees: PositionFeesSchema,
  executionPriceResult: z.looseObject({ priceImpactUsd: uint, executionPrice: uint, proportionalPendingImpactUsd: uint, totalImpactUsd: uint }),
  basePnlUsd: uint,
  uncappedBasePnlUsd: uint,
  pnlAfterPriceImpactUsd: uint,
})
export type PositionInfo = z.infer<typeof PositionInfoSchema>

export const MarketPropsSchema = z.looseObject({ marketToken: address, indexToken: address, longToken: address, shortToken: address })
export type MarketProps = z.infer<typeof MarketPropsSchema>
