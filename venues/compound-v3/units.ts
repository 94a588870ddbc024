// Comet's fixed-point integers as exact decimal strings. A scale is always a power of ten (10^decimals, 1e8 prices,
// 1e18 factors), so the digits are placed rather than divided: decimal.js rounds divisions to 20 significant digits,
// and a uint128 balance with 18 decimals has more.

/** `value / scale` written out exactly, for a scale that is a power of ten. */
export function fromScale(value: bigint, scale: bigint): string {
  const decimals = scale.toString().length - 1
  if (scale !== 10n ** BigInt(decimals)) throw new RangeError(`compound-v3: scale ${scale} is not a power of ten`)
  const negative = value < 0n
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '')
  const text = fraction ? `${whole}.${fraction}` : whole
  return negative && text !== '0' ? `-${text}` : text
}
