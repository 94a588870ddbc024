// Tail measures over a P&L vector: Value at Risk and Expected Shortfall, both returned as positive losses.
// Discrete-scenario convention (documented in docs/methodology.md): with n scenarios and tail mass m = n·(1−c),
// VaR is the ⌈m⌉-th worst loss and ES the average of the worst m losses, the last one weighted by m − ⌊m⌋.
import { DataUnavailable, InvalidInput } from '../core/errors.js'

function checkInputs(pnl: ArrayLike<number>, confidence: number, field: string): void {
  if (!(confidence > 0 && confidence < 1)) throw new InvalidInput(`${field}.confidence`, `must be in (0, 1), got ${confidence}`)
  if (pnl.length === 0) throw new DataUnavailable('no scenario P&L to measure: the price history gives this book no scenario', { at: `${field}.pnl` })
  for (let i = 0; i < pnl.length; i++) {
    if (!Number.isFinite(pnl[i])) throw new DataUnavailable(`scenario ${i} has no P&L (${pnl[i]}): a price or a return it needs is missing`, { at: `${field}.pnl[${i}]` })
  }
}

/** Losses (−P&L) sorted worst first. */
function sortedLosses(pnl: ArrayLike<number>): Float64Array {
  const losses = new Float64Array(pnl.length)
  for (let i = 0; i < pnl.length; i++) losses[i] = -(pnl[i] as number)
  return losses.sort().reverse()
}

/** VaR at `confidence` (0.99): the loss exceeded in at most a (1 − confidence) share of scenarios. */
export function valueAtRisk(pnl: ArrayLike<number>, confidence: number): number {
  checkInputs(pnl, confidence, 'valueAtRisk')
  const losses = sortedLosses(pnl)
  const tail = pnl.length * (1 - confidence)
  const index = Math.max(0, Math.min(losses.length - 1, Math.ceil(tail - 1e-9) - 1))
  return losses[index] as number
}

/** ES at `confidence` (0.975): the mean loss over the worst (1 − confidence) share of scenarios. */
export function expectedShortfall(pnl: ArrayLike<number>, confidence: number): number {
  checkInputs(pnl, confidence, 'expectedShortfall')
  const losses = sortedLosses(pnl)
  const tail = pnl.length * (1 - confidence)
  if (tail <= 1) return losses[0] as number
  const whole = Math.floor(tail + 1e-9)
  let sum = 0
  for (let i = 0; i < whole; i++) sum += losses[i] as number
  const fraction = tail - whole
  if (fraction > 1e-9 && whole < losses.length) sum += fraction * (losses[whole] as number)
  return sum / tail
}
