// Binance USDⓈ-M futures' own margin rule, replicated in exact decimals: maintenance margin by leverage bracket
// (|notional| × maintenance rate − maintenance amount), initial margin (|notional| / leverage), the account's
// margin ratio (maintenance margin / margin balance; liquidation at 100 %), and the cross liquidation price.
// Sources: https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-b3c689c1f50a44cabb3a84e663b81d93
// and https://developers.binance.com/docs/derivatives/usds-margined-futures/account/rest-api/Notional-and-Leverage-Brackets
import { Decimal } from '../../core/decimal.js'
import { marginFigures, type VenueMarginFigures } from '../../core/domain.js'

export interface LeverageBracket {
  bracket: number
  initialLeverage: number
  notionalFloor: Decimal
  notionalCap: Decimal
  maintMarginRatio: Decimal
  /** Maintenance amount ("cum"): makes MM continuous across brackets. */
  cum: Decimal
}

export interface BinancePositionInput {
  symbol: string
  /** Signed quantity (negative = short). */
  positionAmt: Decimal
  entryPrice: Decimal
  markPrice: Decimal
  /** Null when the venue did not say: initial margin is then unknown, maintenance margin is not. */
  leverage: Decimal | null
  isolated: boolean
  /** Isolated positions only: the margin set aside for the position (Binance's `isolatedWallet`). */
  isolatedWallet?: Decimal | null
}

export interface BinanceAccountInput {
  /** Cross wallet balance in the margin asset (USDT). */
  crossWalletBalance: Decimal
  positions: BinancePositionInput[]
  /** A symbol without a table leaves its position's maintenance margin, and the account's, unknown (null). */
  brackets: Record<string, LeverageBracket[]>
}

export interface BinancePositionMargin {
  symbol: string
  notional: Decimal
  unrealizedPnl: Decimal
  bracket: LeverageBracket | null
  maintenanceMargin: Decimal | null
  initialMargin: Decimal | null
  liquidationPrice: Decimal | null
}

export interface BinanceAccountMargin {
  positions: BinancePositionMargin[]
  unrealizedPnl: Decimal
  marginBalance: Decimal
  /** Null when any position's could not be computed: a partial sum would understate it. */
  maintenanceMargin: Decimal | null
  initialMargin: Decimal | null
  /** Maintenance margin / margin balance; the account is liquidated at 1. */
  marginRatio: Decimal | null
  available: Decimal | null
}

/** The bracket whose (floor, cap] holds |notional|; a zero notional sits in the first bracket. */
export function bracketFor(brackets: LeverageBracket[], notional: Decimal): LeverageBracket {
  const size = notional.abs()
  const sorted = [...brackets].sort((a, b) => a.bracket - b.bracket)
  for (const b of sorted) if (size.lte(b.notionalCap) && (size.gt(b.notionalFloor) || b.notionalFloor.isZero())) return b
  return sorted[sorted.length - 1]!
}

export function maintenanceMargin(brackets: LeverageBracket[], notional: Decimal): { bracket: LeverageBracket; margin: Decimal } {
  const bracket = bracketFor(brackets, notional)
  return { bracket, margin: notional.abs().mul(bracket.maintMarginRatio).minus(bracket.cum) }
}

/**
 * Cross liquidation price (Binance's formula):
 *   LP = (WB − TMM₁ + UPNL₁ + cumB − side·Q·EP) / (Q·MMR − side·Q)           one-way
 * and in hedge mode the LONG and SHORT legs of the symbol enter together (Σ cum, Σ side·Q·EP, Σ Q·MMR, Σ side·Q),
 * since they share one liquidation price. WB cross wallet balance, TMM₁/UPNL₁ maintenance margin and unrealised
 * P&L of the other contracts, Q the size, EP the entry price; each leg's MMR and cum come from the bracket in force
 * at the liquidation price (iterated until it holds, as the FAQ's note asks).
 */
export function crossLiquidationPrice(
  legs: BinancePositionInput | BinancePositionInput[],
  brackets: LeverageBracket[],
  walletBalance: Decimal,
  othersMaintenance: Decimal,
  othersUnrealizedPnl: Decimal,
): Decimal | null {
  const open = (Array.isArray(legs) ? legs : [legs]).filter((l) => !l.positionAmt.isZero())
  if (open.length === 0) return null
  let inForce = open.map((l) => bracketFor(brackets, l.positionAmt.mul(l.markPrice)))
  for (let i = 0; i < brackets.length + 1; i++) {
    let numerator = walletBalance.minus(othersMaintenance).plus(othersUnrealizedPnl)
    let denominator = new Decimal(0)
    open.forEach((l, k) => {
      // side·Q is the signed size itself.
      numerator = numerator.plus(inForce[k]!.cum).minus(l.positionAmt.mul(l.entryPrice))
      denominator = denominator.plus(l.positionAmt.abs().mul(inForce[k]!.maintMarginRatio)).minus(l.positionAmt)
    })
    // A hedged symbol whose legs cancel cannot be liquidated by its own price.
    if (denominator.isZero()) return null
    const price = numerator.div(denominator)
    // A non-positive price means no move of this contract alone can liquidate the account (Binance shows "--").
    if (price.lte(0)) return null
    const at = open.map((l) => bracketFor(brackets, l.positionAmt.mul(price)))
    if (at.every((b, k) => b.bracket === inForce[k]!.bracket)) return price
    inForce = at
  }
  return null
}

export function calculateBinanceAccount(input: BinanceAccountInput): BinanceAccountMargin {
  const rows = input.positions.map((p) => {
    const brackets = input.brackets[p.symbol]?.length ? input.brackets[p.symbol]! : null
    const notional = p.positionAmt.mul(p.markPrice)
    const mm = brackets ? maintenanceMargin(brackets, notional) : null
    return {
      input: p,
      brackets,
      notional,
      unrealizedPnl: p.markPrice.minus(p.entryPrice).mul(p.positionAmt),
      bracket: mm?.bracket ?? null,
      maintenanceMargin: mm?.margin ?? null,
      initialMargin: p.leverage && !p.leverage.isZero() ? notional.abs().div(p.leverage) : null,
    }
  })
  const sum = (values: Decimal[]) => values.reduce((a, b) => a.plus(b), new Decimal(0))
  const sumKnown = (values: (Decimal | null)[]) => (values.every((v) => v !== null) ? sum(values) : null)
  const unrealizedPnl = sum(rows.map((r) => r.unrealizedPnl))
  const maintenance = sumKnown(rows.map((r) => r.maintenanceMargin))
  const initial = sumKnown(rows.map((r) => r.initialMargin))
  // Binance's totalMarginBalance = cross wallet + every isolated wallet + all unrealised P&L.
  const isolatedWallets = sum(rows.map((r) => (r.input.isolated && r.input.isolatedWallet ? r.input.isolatedWallet : new Decimal(0))))
  const marginBalance = input.crossWalletBalance.plus(isolatedWallets).plus(unrealizedPnl)
  // A cross position's liquidation price depends on the other cross positions only (TMM₁, UPNL₁); hedge mode's
  // LONG and SHORT legs of one symbol share one price.
  const cross = rows.filter((r) => !r.input.isolated)
  const crossLiquidation = (symbol: string, brackets: LeverageBracket[]): Decimal | null => {
    const legs = cross.filter((r) => r.input.symbol === symbol)
    const others = cross.filter((r) => r.input.symbol !== symbol)
    const othersMaintenance = sumKnown(others.map((r) => r.maintenanceMargin))
    if (othersMaintenance === null) return null
    const othersPnl = sum(others.map((r) => r.unrealizedPnl))
    return crossLiquidationPrice(legs.map((l) => l.input), brackets, input.crossWalletBalance, othersMaintenance, othersPnl)
  }
  const positions: BinancePositionMargin[] = rows.map((r) => ({
    symbol: r.input.symbol,
    notional: r.notional,
    unrealizedPnl: r.unrealizedPnl,
    bracket: r.bracket,
    maintenanceMargin: r.maintenanceMargin,
    initialMargin: r.initialMargin,
    // Isolated: the same formula with WB = the position's isolated wallet and TMM₁ = UPNL₁ = 0 (Binance's note).
    liquidationPrice: !r.brackets
      ? null
      : r.input.isolated
        ? r.input.isolatedWallet
          ? crossLiquidationPrice(r.input, r.brackets, r.input.isolatedWallet, new Decimal(0), new Decimal(0))
          : null
        : crossLiquidation(r.input.symbol, r.brackets),
  }))
  return {
    positions,
    unrealizedPnl,
    marginBalance,
    maintenanceMargin: maintenance,
    initialMargin: initial,
    marginRatio: maintenance !== null && marginBalance.gt(0) ? maintenance.div(marginBalance) : null,
    available: initial !== null ? Decimal.max(marginBalance.minus(initial), 0) : null,
  }
}

export function binanceFigures(account: BinanceAccountMargin, currency = 'USDT'): VenueMarginFigures {
  return marginFigures(currency, {
    equity: account.marginBalance.toFixed(),
    initialMargin: account.initialMargin?.toFixed() ?? null,
    maintenanceMargin: account.maintenanceMargin?.toFixed() ?? null,
    marginRatio: account.marginRatio?.toDecimalPlaces(12).toFixed() ?? null,
    withdrawable: account.available?.toFixed() ?? null,
  })
}

/**
 * Portfolio margin: the unified maintenance margin ratio uniMMR = account equity / account maintenance margin
 * (liquidation when it falls to 1.05 per Binance), and available balance = equity − initial margin.
 * Source: https://developers.binance.com/docs/derivatives/portfolio-margin/account/Account-Information
 */
export function binancePortfolioMargin(equity: Decimal, initialMargin: Decimal, maintenanceMargin: Decimal): { uniMMR: Decimal | null; available: Decimal } {
  return { uniMMR: maintenanceMargin.gt(0) ? equity.div(maintenanceMargin) : null, available: Decimal.max(equity.minus(initialMargin), 0) }
}

export interface CoinmBracket {
  bracket: number
  qtyFloor: Decimal
  qtyCap: Decimal
  maintMarginRatio: Decimal
  cum: Decimal
}

/**
 * COIN-M maintenance margin in coin: |notional in coin| × rate − maintenance amount, the bracket chosen by the
 * notional in coin (qtyFloor, qtyCap]. Source: Binance COIN-M "Notional Bracket for Pair" and margin docs.
 */
export function coinmMaintenanceMargin(brackets: CoinmBracket[], notionalCoin: Decimal): { bracket: CoinmBracket; margin: Decimal } {
  const q = notionalCoin.abs()
  const sorted = [...brackets].sort((a, b) => a.bracket - b.bracket)
  const bracket = sorted.find((b) => q.lte(b.qtyCap) && (q.gt(b.qtyFloor) || b.qtyFloor.isZero())) ?? sorted[sorted.length - 1]!
  return { bracket, margin: q.mul(bracket.maintMarginRatio).minus(bracket.cum) }
}
