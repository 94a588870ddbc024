// The latest stored mark implied volatility of each option a portfolio holds (ImpliedVol rows, written from the
// venues' option chains), keyed by the position's instrument name as the risk engine looks it up.
import type { PortfolioSources } from './sources.js'
import type { AccountState } from './state.js'
import { canonicalAsset } from '../core/assets.js'

/**
 * A mark older than this is not used: an option without a recent IV is left unvalued (exposures skip it, the risk
 * engine names it) rather than valued at a volatility the market has moved away from. A day covers a venue outage.
 */
export const MAX_IV_AGE_MS = 24 * 3600 * 1000

export interface OptionMarks {
  /** Latest mark IV per option symbol. */
  impliedVols: Record<string, number>
  /** The expiry's forward over the index, per option symbol, where the venue gave one with that IV. */
  forwardRatios: Record<string, number>
}

export async function latestOptionVols(ctx: Pick<PortfolioSources, 'prisma' | 'now'>, states: AccountState[]): Promise<OptionMarks> {
  const options = states.flatMap((s) => s.positions).filter((p) => p.instrument.kind === 'option' && p.instrument.expiry && p.instrument.strike !== null)
  if (options.length === 0) return { impliedVols: {}, forwardRatios: {} }
  const keyOf = (underlying: string, expiry: Date, strike: { toString(): string }) => `${underlying}|${expiry.getTime()}|${Number(strike.toString())}`
  // A call and a put of one strike (or one option on two venues) share a row: each symbol gets its IV.
  const wanted = new Map<string, Set<string>>()
  for (const p of options) {
    const key = keyOf(canonicalAsset(p.instrument.underlying).factor, p.instrument.expiry!, p.instrument.strike!)
    wanted.set(key, (wanted.get(key) ?? new Set()).add(p.instrument.venueSymbol))
  }
  const now = ctx.now()
  const rows = await ctx.prisma.impliedVol.findMany({
    where: {
      // The window keeps the read to the last day's marks (the history grows by a chain every quarter hour).
      time: { gt: new Date(now.getTime() - MAX_IV_AGE_MS), lte: now },
      OR: options.map((p) => ({ underlying: canonicalAsset(p.instrument.underlying).factor, expiry: p.instrument.expiry!, strike: p.instrument.strike! })),
    },
    orderBy: { time: 'desc' },
  })
  const marks: OptionMarks = { impliedVols: {}, forwardRatios: {} }
  for (const row of rows) {
    // Newest first: the first row of a strike is its latest mark. float64 from here on (risk engine input).
    for (const symbol of wanted.get(keyOf(row.underlying, row.expiry, row.strike)) ?? []) {
      if (marks.impliedVols[symbol] !== undefined) continue
      marks.impliedVols[symbol] = Number(row.iv.toString())
      if (row.forwardRatio !== null) marks.forwardRatios[symbol] = Number(row.forwardRatio.toString())
    }
  }
  return marks
}
