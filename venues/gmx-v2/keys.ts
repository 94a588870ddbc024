// DataStore keys for the margin parameters, hashed as gmx-synthetics contracts/data/Keys.sol does: a base key is
// keccak256(abi.encode("NAME")) (abi.encode of a string, not the packed bytes), a market's key is
// keccak256(abi.encode(BASE_KEY, market)).
import { AbiCoder, keccak256 } from 'ethers'

const abi = AbiCoder.defaultAbiCoder()

/** `bytes32 public constant NAME = keccak256(abi.encode("NAME"))`. */
export function baseKey(name: string): string {
  return keccak256(abi.encode(['string'], [name]))
}

/** `keccak256(abi.encode(BASE_KEY, market))`, the shape of minCollateralFactorKey(market) and its siblings. */
export function marketKey(name: string, market: string): string {
  return keccak256(abi.encode(['bytes32', 'address'], [baseKey(name), market]))
}

/** Keys.MIN_COLLATERAL_USD: a global floor on the collateral left after costs. */
export const MIN_COLLATERAL_USD_KEY = baseKey('MIN_COLLATERAL_USD')

/** The per-market keys MarketUtils reads for the liquidation check (PositionUtils.isPositionLiquidatable). */
export function marketMarginKeys(market: string) {
  return {
    /** Keys.minCollateralFactorKey: the leverage cap when a position is opened or increased. */
    minCollateralFactor: marketKey('MIN_COLLATERAL_FACTOR', market),
    /** Keys.minCollateralFactorForLiquidationKey: the factor a liquidation is judged by. */
    minCollateralFactorForLiquidation: marketKey('MIN_COLLATERAL_FACTOR_FOR_LIQUIDATION', market),
    /** Keys.maxPositionImpactFactorForLiquidationsKey: the cap on negative price impact counted in the check. */
    maxPositionImpactFactorForLiquidations: marketKey('MAX_POSITION_IMPACT_FACTOR_FOR_LIQUIDATIONS', market),
  }
}

/** Position.getPositionKey: keccak256(abi.encode(account, market, collateralToken, isLong)). */
export function positionKey(account: string, market: string, collateralToken: string, isLong: boolean): string {
  return keccak256(abi.encode(['address', 'address', 'address', 'bool'], [account, market, collateralToken, isLong]))
}
