// Comet's fixed-point integers as exact decimal strings. Comet states each scale as a power of ten (10^decimals,
// 1e8 prices, 1e18 factors) rather than as a number of decimals; the digits are placed by core's fromFixedPoint.
import { fromFixedPoint } from '../../core/decimal.js'

/** `value / scale` written out exactly, for a scale that is a power of ten. */
export function fromScale(value: bigint, scale: bigint): string {
  const decimals = scale.toString().length - 1
  if (scale !== 10n ** BigInt(decimals)) throw new RangeError(`compound-v3: scale ${scale} is not a power of ten`)
  return fromFixedPoint(value, decimals)
}
