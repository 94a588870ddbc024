// A stored portfolio with hypothetical trades and collateral moves applied, for `whatIf`: pure over the risk
// engine's plain inputs (float64, as risk-input.ts says), nothing read or stored. The accounts a change touches lose
// their venue-reported figures (the venue never saw the change), so those are margined by our replication of the
// venue's rule before and after alike, and the difference is the change's alone.
import { canonicalAsset } from '../core/assets.js'
import { parseDecimal, toDecimalString, type DecimalString } from '../core/decimal.js'
import { InvalidInput } from '../core/errors.js'
import { parseInstrumentSymbol } from '../core/instrument-symbols.js'
import type { RiskAccount, RiskInstrument, RiskPosition } from '../risk/types.js'
import { riskReport } from './report.js'
import type { RiskContext } from './risk-context.js'

export interface WhatIfTrade {
  accountId: string
  /** The venue's own instrument name. */
  instrument: string
  /** Units of the underlying to add; negative sells or shorts. */
  size: number
  /** Fill price in USD (the quote); default: the market price of the underlying (options need one). */
  price: number | null
}

export interface WhatIfTransfer {
  /** Null: new money from outside the portfolio. */
  fromAccountId: string | null
  /** Null: money leaving the portfolio. */
  toAccountId: string | null
  asset: string
  amount: number
}

const sameInstrument = (a: RiskInstrument, b: RiskInstrument) =>
  a.kind === b.kind && a.underlying === b.underlying && a.inverse === b.inverse && a.expiryMs === b.expiryMs && a.strike === b.strike && a.optionType === b.optionType

function cloneAccount(a: RiskAccount): RiskAccount {
  return { ...a, positions: a.positions.map((p) => ({ ...p, instrument: { ...p.instrument } })), balances: a.balances.map((b) => ({ ...b })) }
}

function addBalance(account: RiskAccount, asset: string, amount: number): void {
  const canonical = canonicalAsset(asset)
  const existing = account.balances.find((b) => b.asset === canonical.factor && b.basisFactor === canonical.basisFactor)
  if (existing) existing.amount += amount
  else account.balances.push({ accountId: account.id, asset: canonical.factor, basisFactor: canonical.basisFactor, amount })
}

/** Adds `size` to the account's position in the instrument; the entry price averages when the position grows. */
function addPosition(account: RiskAccount, instrument: RiskInstrument, size: number, price: number, id: string): void {
  const existing = account.positions.find((p) => sameInstrument(p.instrument, instrument))
  if (!existing) {
    account.positions.push({ id, accountId: account.id, instrument, size, entryPrice: price })
    return
  }
  const after = existing.size + size
  const grows = Math.sign(size) === Math.sign(existing.size)
  if (grows && existing.entryPrice !== null) existing.entryPrice = (existing.entryPrice * existing.size + price * size) / after
  // A flip opens the remainder at the new price; a reduction keeps the old entry.
  else if (Math.sign(after) !== Math.sign(existing.size)) existing.entryPrice = price
  existing.size = after
  if (existing.size === 0) account.positions.splice(account.positions.indexOf(existing as RiskPosition), 1)
}

/**
 * The portfolio after the trades and transfers, and the ids of the accounts they touched. Errors name the input
 * (`trades[1].accountId`), so a caller sees which line is wrong.
 */
export function applyWhatIf(base: RiskContext, trades: WhatIfTrade[], transfers: WhatIfTransfer[]): { after: RiskContext; touched: Set<string> } {
  const accounts = new Map(base.accounts.map((a) => [a.id, cloneAccount(a)]))
  const touched = new Set<string>()
  const accountAt = (id: string, field: string) => {
    const account = accounts.get(id)
    if (!account) throw new InvalidInput(field, `no account ${id} with a snapshot in this portfolio`)
    touched.add(id)
    return account
  }
  trades.forEach((trade, i) => {
    const field = `trades[${i}]`
    const account = accountAt(trade.accountId, `${field}.accountId`)
    if (!Number.isFinite(trade.size) || trade.size === 0) throw new InvalidInput(`${field}.size`, 'must be a non-zero decimal')
    const parsed = parseInstrumentSymbol(account.venue, trade.instrument, `${field}.instrument`)
    const market = base.market.prices[parsed.underlying]
    const price = trade.price ?? (parsed.kind === 'option' ? null : market ?? null)
    if (price === null || !(price > 0)) {
      throw new InvalidInput(`${field}.price`, parsed.kind === 'option' ? 'an option trade needs its premium price' : `no market price for ${parsed.underlying}; give one`)
    }
    if (parsed.kind === 'spot') {
      // Spot settles at once: the asset in, the quote out.
      addBalance(account, parsed.underlying, trade.size)
      addBalance(account, parsed.quote, -trade.size * price)
      return
    }
    const instrument: RiskInstrument = { symbol: parsed.symbol, kind: parsed.kind, underlying: parsed.underlying, inverse: parsed.inverse, expiryMs: parsed.expiryMs, strike: parsed.strike, optionType: parsed.optionType }
    addPosition(account, instrument, trade.size, price, `what-if-${i}`)
    // An option's premium changes hands now, in the settlement asset (coin for Deribit's inverse options, where
    // the price is still given in USD and converted at the underlying's market price).
    if (parsed.kind === 'option') {
      if (parsed.inverse) {
        if (!market) throw new InvalidInput(`${field}.instrument`, `no market price for ${parsed.underlying} to pay the premium in coin`)
        addBalance(account, parsed.settlement, (-trade.size * price) / market)
      } else addBalance(account, parsed.settlement, -trade.size * price)
    }
  })
  transfers.forEach((transfer, i) => {
    const field = `transfers[${i}]`
    if (!(transfer.amount > 0)) throw new InvalidInput(`${field}.amount`, 'must be a positive decimal')
    if (transfer.fromAccountId === null && transfer.toAccountId === null) throw new InvalidInput(`${field}.toAccountId`, 'a transfer needs a source or a destination account')
    if (transfer.fromAccountId !== null) addBalance(accountAt(transfer.fromAccountId, `${field}.fromAccountId`), transfer.asset, -transfer.amount)
    if (transfer.toAccountId !== null) addBalance(accountAt(transfer.toAccountId, `${field}.toAccountId`), transfer.asset, transfer.amount)
  })
  const reported = base.reported ? Object.fromEntries(Object.entries(base.reported).filter(([id]) => !touched.has(id))) : undefined
  return { after: { ...base, accounts: base.accounts.map((a) => accounts.get(a.id)!), reported }, touched }
}

/** The base portfolio as the what-if compares it: touched accounts margined by our replication, like after. */
export function withoutReported(base: RiskContext, touched: Set<string>): RiskContext {
  if (!base.reported) return base
  return { ...base, reported: Object.fromEntries(Object.entries(base.reported).filter(([id]) => !touched.has(id))) }
}

/**
 * The what-if's answer: the portfolio's risk report before and after the changes, the accounts they touched, and the
 * change in unified and in summed venue initial margin (USD, to the cent).
 */
export function whatIfReport(base: RiskContext, trades: WhatIfTrade[], transfers: WhatIfTransfer[]) {
  const { after, touched } = applyWhatIf(base, trades, transfers)
  const before = riskReport(withoutReported(base, touched))
  const afterReport = riskReport(after)
  // Both sides are cents already: their exact difference, with no second trip through float64.
  const change = (a: DecimalString, b: DecimalString) => toDecimalString(parseDecimal(a, 'after').minus(b), 2)
  return {
    before,
    after: afterReport,
    touchedAccountIds: [...touched],
    unifiedInitialMarginChange: change(afterReport.unified.initialMargin, before.unified.initialMargin),
    venueInitialMarginChange: change(afterReport.capitalEfficiency.sumOfVenueInitialMargins, before.capitalEfficiency.sumOfVenueInitialMargins),
  }
}
