// The risk context of accounts described in a request (`simulateMargin`, as Deribit's simulate_portfolio does for one
// venue): the caller's balances and positions, valued at the stored history's closes unless the request overrides
// prices or implied vols. Every field the caller gave is checked and named in the error when it is wrong.
import { canonicalAsset } from '../core/assets.js'
import { InvalidInput } from '../core/errors.js'
import { parseInstrumentSymbol } from '../core/instrument-symbols.js'
import type { PriceHistory, RiskAccount } from '../risk/types.js'
import { venueConnectors } from '../venues/index.js'
import { historyPrices, type RiskContext } from './risk-context.js'

/** The request's accounts and market overrides (the GraphQL `SimulationInput` has this shape); amounts are decimal strings. */
export interface SimulationRequest {
  asOf?: Date | string | null
  accounts: {
    venue: string
    label?: string | null
    marginMode?: string | null
    balances?: { asset: string; amount: string }[] | null
    positions?: { instrument: string; size: string; entryPrice?: string | null }[] | null
  }[]
  market?: {
    prices?: { symbol: string; price: string }[] | null
    impliedVols?: { instrument: string; iv: number; forward?: string | null }[] | null
  } | null
}

function number(value: string, field: string): number {
  const n = Number(value)
  if (!Number.isFinite(n)) throw new InvalidInput(field, `must be a finite decimal, got ${value}`)
  return n
}

export function simulationContext(input: SimulationRequest, history: PriceHistory, now: Date): RiskContext {
  const asOf = input.asOf ? new Date(input.asOf) : now
  const asOfDate = asOf.toISOString().slice(0, 10)
  if (input.accounts.length === 0) throw new InvalidInput('input.accounts', 'needs at least one account')
  const known = Object.keys(venueConnectors)
  const accounts: RiskAccount[] = input.accounts.map((a, i) => {
    const id = `sim-${i}`
    // An unknown venue would be margined on a fallback rule, a figure no venue computes: refused, naming the known ones.
    if (!known.includes(a.venue)) {
      const near = known.find((v) => v === a.venue.toLowerCase().trim())
      throw new InvalidInput(`input.accounts[${i}].venue`, `unknown venue "${a.venue}"${near ? ` (did you mean "${near}"?)` : ''}; known: ${known.join(', ')}`)
    }
    return {
      id,
      venue: a.venue,
      label: a.label ?? `${a.venue} ${i + 1}`,
      marginMode: a.marginMode === 'cross' || a.marginMode === 'isolated' || a.marginMode === 'portfolio' ? a.marginMode : null,
      balances: (a.balances ?? []).map((b, j) => {
        const canonical = canonicalAsset(b.asset)
        return { accountId: id, asset: canonical.factor, basisFactor: canonical.basisFactor, amount: number(b.amount, `input.accounts[${i}].balances[${j}].amount`) }
      }),
      positions: (a.positions ?? []).map((p, j) => {
        const field = `input.accounts[${i}].positions[${j}]`
        const parsed = parseInstrumentSymbol(a.venue, p.instrument, `${field}.instrument`)
        return {
          id: `${id}-${j}`,
          accountId: id,
          size: number(p.size, `${field}.size`),
          entryPrice: p.entryPrice ? number(p.entryPrice, `${field}.entryPrice`) : null,
          instrument: { symbol: parsed.symbol, kind: parsed.kind, underlying: parsed.underlying, inverse: parsed.inverse, expiryMs: parsed.expiryMs, strike: parsed.strike, optionType: parsed.optionType },
        }
      }),
    }
  })
  const { prices, times: priceTimes } = historyPrices(history, asOfDate, asOf.getTime())
  // A price the caller gives is true at the valuation time.
  for (const [j, p] of (input.market?.prices ?? []).entries()) {
    const factor = canonicalAsset(p.symbol).factor
    const price = number(p.price, `input.market.prices[${j}].price`)
    if (!(price > 0)) throw new InvalidInput(`input.market.prices[${j}].price`, `must be positive, got ${p.price}`)
    prices[factor] = price
    priceTimes[factor] = asOf.getTime()
  }
  const impliedVols: Record<string, number> = {}
  const forwardRatios: Record<string, number> = {}
  for (const [j, v] of (input.market?.impliedVols ?? []).entries()) {
    if (!(v.iv > 0)) throw new InvalidInput(`input.market.impliedVols[${j}].iv`, `must be positive, got ${v.iv}`)
    const symbol = v.instrument.toUpperCase()
    impliedVols[symbol] = v.iv
    if (v.forward !== null && v.forward !== undefined) {
      const forward = number(v.forward, `input.market.impliedVols[${j}].forward`)
      const underlying = accounts.flatMap((a) => a.positions).find((p) => p.instrument.symbol === symbol)?.instrument.underlying
      const price = underlying === undefined ? undefined : prices[underlying]
      if (!(forward > 0)) throw new InvalidInput(`input.market.impliedVols[${j}].forward`, `must be positive, got ${forward}`)
      if (price === undefined) throw new InvalidInput(`input.market.impliedVols[${j}].instrument`, `${v.instrument} is not an option of the request with a price for its underlying`)
      forwardRatios[symbol] = forward / price
    }
  }
  // A price or vol the engine would find missing is one the request left out: named here, as the caller's input.
  accounts.forEach((a, i) => {
    a.balances.forEach((b, j) => {
      if (prices[b.asset] === undefined) throw new InvalidInput(`input.accounts[${i}].balances[${j}].asset`, `no price for ${b.asset}; give one in input.market.prices`)
    })
    a.positions.forEach((p, j) => {
      const field = `input.accounts[${i}].positions[${j}].instrument`
      if (prices[p.instrument.underlying] === undefined) throw new InvalidInput(field, `no price for ${p.instrument.underlying}; give one in input.market.prices`)
      if (p.instrument.kind === 'option' && impliedVols[p.instrument.symbol] === undefined) throw new InvalidInput(field, `no implied vol for ${p.instrument.symbol}; give one in input.market.impliedVols`)
    })
  })
  return { accounts, market: { asOfMs: asOf.getTime(), prices, volSurfaces: {}, impliedVols, forwardRatios }, history, asOfDate, priceTimes }
}

