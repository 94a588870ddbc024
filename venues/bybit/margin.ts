// Bybit's regular-margin position rule, replicated in exact decimals: position IM = value / leverage + fee to
// close, position MM = value × the risk-limit tier's maintenance rate + fee to close, with the fee to close taken
// at the bankruptcy price (entry × (1 ∓ 1/leverage)) and the taker fee. Account rates = total IM (or MM) over
// margin balance. Source: Bybit help center, "Initial Margin (USDT Contract)" and "Maintenance Margin".
import { Decimal } from '../../core/decimal.js'

export interface BybitPositionInput {
  symbol: string
  /** Signed quantity (negative = short). */
  size: Decimal
  avgPrice: Decimal
  leverage: Decimal
  /** Bybit's bankruptcy price when it reports one, else derived from entry and leverage. */
  bustPrice: Decimal | null
  maintenanceRate: Decimal
  takerFeeRate: Decimal
}

export function bybitPositionMargin(p: BybitPositionInput): { positionValue: Decimal; feeToClose: Decimal; initialMargin: Decimal; maintenanceMargin: Decimal } {
  const quantity = p.size.abs()
  const positionValue = quantity.mul(p.avgPrice)
  const side = p.size.isNegative() ? -1 : 1
  const bust = p.bustPrice ?? p.avgPrice.mul(new Decimal(1).minus(new Decimal(side).div(p.leverage)))
  const feeToClose = quantity.mul(bust).mul(p.takerFeeRate)
  return {
    positionValue,
    feeToClose,
    initialMargin: positionValue.div(p.leverage).plus(feeToClose),
    maintenanceMargin: positionValue.mul(p.maintenanceRate).plus(feeToClose),
  }
}

/** Bybit states account rates with 4 decimals. */
export function bybitAccountRate(total: Decimal, marginBalance: Decimal): Decimal | null {
  return marginBalance.gt(0) ? total.div(marginBalance).toDecimalPlaces(4) : null
}
