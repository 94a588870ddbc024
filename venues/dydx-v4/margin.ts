// dYdX v4's margin rule, replicated in exact decimals: equity = USDC + Σ size × oracle; initial margin =
// Σ |notional| × IMF, the IMF raised linearly with the market's open interest between its lower and upper caps;
// maintenance = Σ |notional| × MMF; free collateral = equity − initial margin; liquidation below maintenance.
// Sources: https://docs.dydx.exchange/concepts-trading/margining, /open-interest-based-imf.
import { Decimal } from '../../core/decimal.js'
import { marginFigures, type VenueMarginFigures } from '../../core/domain.js'

export interface DydxMarket {
  ticker: string
  oraclePrice: Decimal
  initialMarginFraction: Decimal
  maintenanceMarginFraction: Decimal
  /** Open interest in base units, and the caps (in USD) between which the IMF rises to 100 %. */
  openInterest: Decimal
  openInterestLowerCap: Decimal
  openInterestUpperCap: Decimal
}

export interface DydxPositionInput {
  market: string
  size: Decimal
  /** Oracle price the figures are taken at (the indexer's, at its latest processed block). */
  oraclePrice: Decimal
}

/** IMF scaled by open interest: base + (OI notional − lower)/(upper − lower) × (1 − base), within [base, 1]. */
export function effectiveImf(market: DydxMarket): Decimal {
  const base = market.initialMarginFraction
  const lower = market.openInterestLowerCap
  const upper = market.openInterestUpperCap
  if (upper.lte(lower)) return base
  const notional = market.openInterest.mul(market.oraclePrice)
  const scale = Decimal.min(Decimal.max(notional.minus(lower).div(upper.minus(lower)), 0), 1)
  return base.plus(scale.mul(new Decimal(1).minus(base)))
}

export interface DydxAccountMargin {
  equity: Decimal
  initialMargin: Decimal
  maintenanceMargin: Decimal
  freeCollateral: Decimal
  positions: { market: string; notional: Decimal; imf: Decimal; mmf: Decimal; initialMargin: Decimal; maintenanceMargin: Decimal; liquidationPrice: Decimal | null }[]
}

export function calculateDydxAccount(usdc: Decimal, positions: DydxPositionInput[], markets: Record<string, DydxMarket>): DydxAccountMargin {
  const rows = positions.map((p) => {
    const market = markets[p.market]
    if (!market) throw new Error(`no market ${p.market}`)
    const notional = p.size.abs().mul(p.oraclePrice)
    const imf = effectiveImf(market)
    return { p, market, notional, imf, initialMargin: notional.mul(imf), maintenanceMargin: notional.mul(market.maintenanceMarginFraction) }
  })
  const sum = (xs: Decimal[]) => xs.reduce((a, b) => a.plus(b), new Decimal(0))
  const equity = usdc.plus(sum(rows.map((r) => r.p.size.mul(r.p.oraclePrice))))
  const initial = sum(rows.map((r) => r.initialMargin))
  const maintenance = sum(rows.map((r) => r.maintenanceMargin))
  return {
    equity,
    initialMargin: initial,
    maintenanceMargin: maintenance,
    freeCollateral: equity.minus(initial),
    positions: rows.map((r) => {
      // Others fixed: USDC + others' value + size·P = MM_others + |size|·P·MMF  ⇒  P = (USDC + V₋ − MM₋)/(|size|·MMF − size).
      const othersValue = equity.minus(usdc).minus(r.p.size.mul(r.p.oraclePrice))
      const othersMaintenance = maintenance.minus(r.maintenanceMargin)
      const denominator = r.p.size.abs().mul(r.market.maintenanceMarginFraction).minus(r.p.size)
      const price = denominator.isZero() ? null : usdc.plus(othersValue).minus(othersMaintenance).div(denominator)
      return { market: r.p.market, notional: r.notional, imf: r.imf, mmf: r.market.maintenanceMarginFraction, initialMargin: r.initialMargin, maintenanceMargin: r.maintenanceMargin, liquidationPrice: price && price.gt(0) ? price : null }
    }),
  }
}

export function dydxFigures(account: DydxAccountMargin): VenueMarginFigures {
  return marginFigures('USDC', {
    equity: account.equity.toFixed(),
    initialMargin: account.initialMargin.toFixed(),
    maintenanceMargin: account.maintenanceMargin.toFixed(),
    marginRatio: account.equity.gt(0) ? account.maintenanceMargin.div(account.equity).toDecimalPlaces(12).toFixed() : null,
    withdrawable: Decimal.max(account.freeCollateral, 0).toFixed(),
  })
}
