// Hyperliquid's cross-margin rule, replicated in exact decimals: position value = |size| × mark, initial margin
// = value / leverage, maintenance margin = half the initial margin at the asset's maximum leverage, account value
// = raw USD + Σ signed position value, withdrawable = account value − margin used; liquidation when account value
// falls below maintenance margin. Source: https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margining and
// /trading/liquidations (liquidation price formula).
import { Decimal } from '../../core/decimal.js'
import { marginFigures, type VenueMarginFigures } from '../../core/domain.js'

export interface HyperliquidPositionInput {
  coin: string
  /** Signed size in coins. */
  szi: Decimal
  markPx: Decimal
  leverage: Decimal
  maxLeverage: Decimal
  isolated: boolean
}

export interface HyperliquidAccountInput {
  /** totalRawUsd: USDC balance net of the positions' notional at entry (Hyperliquid's own accounting). */
  rawUsd: Decimal
  positions: HyperliquidPositionInput[]
}

export interface HyperliquidPositionMargin {
  coin: string
  positionValue: Decimal
  initialMargin: Decimal
  maintenanceMargin: Decimal
  liquidationPrice: Decimal | null
}

export interface HyperliquidAccountMargin {
  accountValue: Decimal
  totalNotional: Decimal
  marginUsed: Decimal
  maintenanceMargin: Decimal
  withdrawable: Decimal
  positions: HyperliquidPositionMargin[]
}

// Hyperliquid states margin used with 6 decimals, cut (not rounded): 227.675114 / 20 = 11.3837557 → 11.383755.
const USD_DECIMALS = 6

export function calculateHyperliquidAccount(input: HyperliquidAccountInput): HyperliquidAccountMargin {
  const rows = input.positions.map((p) => {
    const positionValue = p.szi.abs().mul(p.markPx)
    return {
      p,
      positionValue,
      initialMargin: positionValue.div(p.leverage).toDecimalPlaces(USD_DECIMALS, Decimal.ROUND_DOWN),
      maintenanceMargin: positionValue.div(p.maxLeverage.mul(2)),
    }
  })
  const sum = (xs: Decimal[]) => xs.reduce((a, b) => a.plus(b), new Decimal(0))
  const accountValue = input.rawUsd.plus(sum(rows.map((r) => r.p.szi.mul(r.p.markPx))))
  const marginUsed = sum(rows.map((r) => r.initialMargin))
  const maintenance = sum(rows.map((r) => r.maintenanceMargin))
  return {
    accountValue,
    totalNotional: sum(rows.map((r) => r.positionValue)),
    marginUsed,
    maintenanceMargin: maintenance,
    withdrawable: Decimal.max(accountValue.minus(marginUsed), 0),
    positions: rows.map((r) => {
      // liq = price − side · margin_available / |size| / (1 − l · side), l = 1 / maintenance leverage (2·max),
      // margin_available = account value − maintenance margin (cross).
      const side = r.p.szi.isNegative() ? -1 : 1
      const l = new Decimal(1).div(r.p.maxLeverage.mul(2))
      const available = accountValue.minus(maintenance)
      const price = r.p.markPx.minus(available.mul(side).div(r.p.szi.abs()).div(new Decimal(1).minus(l.mul(side))))
      return { coin: r.p.coin, positionValue: r.positionValue, initialMargin: r.initialMargin, maintenanceMargin: r.maintenanceMargin, liquidationPrice: r.p.isolated || price.lte(0) ? null : price }
    }),
  }
}

export function hyperliquidFigures(account: HyperliquidAccountMargin): VenueMarginFigures {
  return marginFigures('USDC', {
    equity: account.accountValue.toFixed(),
    initialMargin: account.marginUsed.toFixed(),
    maintenanceMargin: account.maintenanceMargin.toFixed(),
    marginRatio: account.accountValue.gt(0) ? account.maintenanceMargin.div(account.accountValue).toDecimalPlaces(12).toFixed() : null,
    withdrawable: account.withdrawable.toFixed(),
  })
}
