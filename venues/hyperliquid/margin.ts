// Hyperliquid's margin rule, replicated in exact decimals. Position value = |size| × mark; initial margin = value /
// the position's leverage; maintenance margin from the asset's margin table: each tier's rate is half the initial
// margin at its max leverage, 1 / (2 · maxLeverage), applied as value × rate − deduction, the deduction making it
// continuous (deduction_i = deduction_(i−1) + lowerBound_i × (rate_i − rate_(i−1))). A single-tier asset is the
// plain "half the initial margin at max leverage". Cross positions share the cross account value (raw USD + their
// signed values); an isolated position has its own (its raw USD + its signed value). Liquidation when the value
// falls below the maintenance margin.
// Sources: https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margining,
// https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers, .../trading/liquidations (liquidation price).
import { Decimal } from '../../core/decimal.js'
import { marginFigures, type VenueMarginFigures } from '../../core/domain.js'

/** One row of a margin table: from `lowerBound` USD of position value, at most `maxLeverage`. */
export interface MarginTier {
  lowerBound: Decimal
  maxLeverage: Decimal
}

export interface HyperliquidPositionInput {
  coin: string
  /** Signed size in coins. */
  szi: Decimal
  markPx: Decimal
  leverage: Decimal
  /** The asset's margin tiers, lowest bound first (one tier for an untiered asset). */
  tiers: MarginTier[]
  /** Isolated only: the position's own raw USD (its margin net of the entry notional), from `leverage.rawUsd`. */
  isolatedRawUsd: Decimal | null
}

export interface HyperliquidAccountInput {
  /** marginSummary.totalRawUsd: every USDC of the perp account net of the positions' entry notional. */
  rawUsd: Decimal
  /** crossMarginSummary.totalRawUsd: the same for the cross part alone (equal to rawUsd without isolated positions). */
  crossRawUsd: Decimal
  positions: HyperliquidPositionInput[]
}

export interface HyperliquidPositionMargin {
  coin: string
  isolated: boolean
  positionValue: Decimal
  initialMargin: Decimal
  maintenanceMargin: Decimal
  /** Tier the position value falls in (0-based). */
  tier: number
  /** The position's leverage and its asset's margin table: what the risk engine margins it with as prices move. */
  leverage: Decimal
  brackets: MaintenanceBracket[]
  liquidationPrice: Decimal | null
}

export interface HyperliquidAccountMargin {
  accountValue: Decimal
  crossAccountValue: Decimal
  totalNotional: Decimal
  marginUsed: Decimal
  /** Maintenance margin of the cross positions: what Hyperliquid reports as crossMaintenanceMarginUsed. */
  crossMaintenanceMargin: Decimal
  withdrawable: Decimal
  positions: HyperliquidPositionMargin[]
}

// Hyperliquid states margin used with 6 decimals, cut (not rounded): 227.675114 / 20 = 11.3837557 → 11.383755.
const USD_DECIMALS = 6
const ONE = new Decimal(1)

/** One tier as a rule: for position values up to `upTo` (null: no bound), MM = value × rate − deduction. */
export interface MaintenanceBracket {
  upTo: Decimal | null
  rate: Decimal
  deduction: Decimal
}

/** A margin table as brackets: rate_i = 1 / (2 · maxLeverage_i), deduction_i = deduction_(i−1) + lowerBound_i × (rate_i − rate_(i−1)). */
export function maintenanceBrackets(tiers: MarginTier[]): MaintenanceBracket[] {
  if (tiers.length === 0) throw new RangeError('a margin table needs at least one tier')
  let deduction = new Decimal(0)
  return tiers.map((t, i) => {
    const rate = ONE.div(t.maxLeverage.mul(2))
    if (i > 0) deduction = deduction.plus(t.lowerBound.mul(rate.minus(ONE.div(tiers[i - 1]!.maxLeverage.mul(2)))))
    return { upTo: tiers[i + 1]?.lowerBound ?? null, rate, deduction }
  })
}

/** Maintenance margin of a position value under a margin table, and the tier it falls in (above a bound: the next). */
export function tieredMaintenanceMargin(tiers: MarginTier[], positionValue: Decimal): { margin: Decimal; tier: number; rate: Decimal; deduction: Decimal } {
  return bracketMaintenanceMargin(maintenanceBrackets(tiers), positionValue)
}

function bracketMaintenanceMargin(brackets: MaintenanceBracket[], positionValue: Decimal): { margin: Decimal; tier: number; rate: Decimal; deduction: Decimal } {
  const tier = brackets.findIndex((b) => b.upTo === null || positionValue.lte(b.upTo))
  const { rate, deduction } = brackets[tier]!
  return { margin: positionValue.mul(rate).minus(deduction), tier, rate, deduction }
}

export function calculateHyperliquidAccount(input: HyperliquidAccountInput): HyperliquidAccountMargin {
  const rows = input.positions.map((p) => {
    const positionValue = p.szi.abs().mul(p.markPx)
    const brackets = maintenanceBrackets(p.tiers)
    const mm = bracketMaintenanceMargin(brackets, positionValue)
    return { p, positionValue, brackets, mm, isolated: p.isolatedRawUsd !== null, initialMargin: positionValue.div(p.leverage).toDecimalPlaces(USD_DECIMALS, Decimal.ROUND_DOWN) }
  })
  const sum = (xs: Decimal[]) => xs.reduce((a, b) => a.plus(b), new Decimal(0))
  const cross = rows.filter((r) => !r.isolated)
  const accountValue = input.rawUsd.plus(sum(rows.map((r) => r.p.szi.mul(r.p.markPx))))
  const crossAccountValue = input.crossRawUsd.plus(sum(cross.map((r) => r.p.szi.mul(r.p.markPx))))
  const marginUsed = sum(rows.map((r) => r.initialMargin))
  const crossMaintenance = sum(cross.map((r) => r.mm.margin))
  return {
    accountValue,
    crossAccountValue,
    totalNotional: sum(rows.map((r) => r.positionValue)),
    marginUsed,
    crossMaintenanceMargin: crossMaintenance,
    withdrawable: Decimal.max(accountValue.minus(marginUsed), 0),
    positions: rows.map((r) => {
      // liq = price − side · margin_available / |size| / (1 − l · side), l = the tier's maintenance rate;
      // margin_available = (cross) account value − cross maintenance margin, or (isolated) the position's own
      // value − its maintenance margin. The tier is the one in force now (a big move can cross a tier: then only
      // approximately, as Hyperliquid's own formula).
      const side = r.p.szi.isNegative() ? -1 : 1
      const available = r.isolated ? r.p.isolatedRawUsd!.plus(r.p.szi.mul(r.p.markPx)).minus(r.mm.margin) : crossAccountValue.minus(crossMaintenance)
      const price = r.p.markPx.minus(available.mul(side).div(r.p.szi.abs()).div(ONE.minus(r.mm.rate.mul(side))))
      return { coin: r.p.coin, isolated: r.isolated, positionValue: r.positionValue, initialMargin: r.initialMargin, maintenanceMargin: r.mm.margin, tier: r.mm.tier, leverage: r.p.leverage, brackets: r.brackets, liquidationPrice: price.lte(0) ? null : price }
    }),
  }
}

export function hyperliquidFigures(account: HyperliquidAccountMargin): VenueMarginFigures {
  return marginFigures('USDC', {
    equity: account.accountValue.toFixed(),
    initialMargin: account.marginUsed.toFixed(),
    maintenanceMargin: account.crossMaintenanceMargin.toFixed(),
    marginRatio: account.crossAccountValue.gt(0) ? account.crossMaintenanceMargin.div(account.crossAccountValue).toDecimalPlaces(12).toFixed() : null,
    withdrawable: account.withdrawable.toFixed(),
  })
}
