// The latest stored mark implied volatility of each option a portfolio holds (ImpliedVol rows, written from the
// venues' option chains), keyed by the position's instrument name as the risk engine looks it up.
import type { ApiContext } from './context.js'
import type { AccountState } from './portfolio-state.js'
import { canonicalAsset } from '../core/assets.js'

export async function latestOptionVols(ctx: ApiContext, states: AccountState[]): Promise<Record<string, number>> {
  const options = states.flatMap((s) => s.positions).filter((p) => p.instrument.kind === 'option' && p.instrument.expiry && p.instrument.strike !== null)
  if (options.length === 0) return {}
  const keyOf = (underlying: string, expiry: Date, strike: { toString(): string }) => `${underlying}|${expiry.getTime()}|${Number(strike.toString())}`
  const wanted = new Map(options.map((p) => [keyOf(canonicalAsset(p.instrument.underlying).factor, p.instrument.expiry!, p.instrument.strike!), p.instrument.venueSymbol]))
  const rows = await ctx.prisma.impliedVol.findMany({
    where: { OR: options.map((p) => ({ underlying: canonicalAsset(p.instrument.underlying).factor, expiry: p.instrument.expiry!, strike: p.instrument.strike! })) },
    orderBy: { time: 'desc' },
  })
  const vols: Record<string, number> = {}
  for (const row of rows) {
    const symbol = wanted.get(keyOf(row.underlying, row.expiry, row.strike))
    // Newest first: the first row of a strike is its latest mark. float64 from here on (risk engine input).
    if (symbol && vols[symbol] === undefined) vols[symbol] = Number(row.iv.toString())
  }
  return vols
}
