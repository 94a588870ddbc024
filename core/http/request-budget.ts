// How fast one process may call one venue, shared by every account of that venue: a venue limits by IP (and key),
// not by our accounts, so ten Hyperliquid accounts must share one budget rather than each spend a whole one.
// Two limits, both from the venue's descriptor: a request rate (token bucket, bursts up to one second's worth) and,
// where the venue counts request weights (Hyperliquid, Binance), a weight per rolling minute.

export interface BudgetLimits {
  /** Sustained requests per second. */
  requestsPerSecond: number
  /** Weight per rolling 60 s, or null where the venue does not weigh requests. */
  weightPerMinute: number | null
}

export interface BudgetClock {
  now(): number
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** Why a signal aborted, as an Error (its reason is typed `any`; AbortSignal's own reasons are DOMExceptions). */
function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason
  return reason instanceof Error ? reason : new Error(`aborted: ${String(reason)}`)
}

const realClock: BudgetClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal))
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = () => {
        clearTimeout(timer)
        reject(abortError(signal!))
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
}

const WINDOW_MS = 60_000

export class RequestBudget {
  private tokens: number
  private refilledAt: number
  /** Weights spent in the rolling window, oldest first. */
  private readonly spent: { at: number; weight: number }[] = []
  /** Waiters go in arrival order: a heavy request is not overtaken for ever by light ones. */
  private queue: Promise<void> = Promise.resolve()

  constructor(
    readonly limits: BudgetLimits,
    private readonly clock: BudgetClock = realClock,
  ) {
    if (!(limits.requestsPerSecond > 0)) throw new RangeError(`requestsPerSecond must be positive, got ${limits.requestsPerSecond}`)
    if (limits.weightPerMinute !== null && !(limits.weightPerMinute > 0)) throw new RangeError(`weightPerMinute must be positive or null, got ${limits.weightPerMinute}`)
    this.tokens = limits.requestsPerSecond
    this.refilledAt = clock.now()
  }

  /** Waits until one request of `weight` fits both limits, then spends it. Rejects if `signal` aborts first. */
  acquire(weight = 1, signal?: AbortSignal): Promise<void> {
    const max = this.limits.weightPerMinute
    // A request heavier than the whole window could never go: let it through alone rather than wait for ever.
    const effective = max === null ? weight : Math.min(weight, max)
    const turn = this.queue.then(() => this.take(effective, signal))
    // One aborted waiter must not block the ones behind it.
    this.queue = turn.catch(() => undefined)
    return turn
  }

  private async take(weight: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted()
      const wait = this.waitMs(weight)
      if (wait <= 0) break
      await this.clock.sleep(wait, signal)
    }
    this.tokens -= 1
    if (this.limits.weightPerMinute !== null) this.spent.push({ at: this.clock.now(), weight })
  }

  /** Milliseconds until a request of `weight` fits, 0 when it fits now. */
  private waitMs(weight: number): number {
    const now = this.clock.now()
    const rate = this.limits.requestsPerSecond
    this.tokens = Math.min(rate, this.tokens + ((now - this.refilledAt) / 1000) * rate)
    this.refilledAt = now
    const forRate = this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / rate) * 1000)
    const max = this.limits.weightPerMinute
    if (max === null) return forRate
    while (this.spent.length > 0 && this.spent[0]!.at <= now - WINDOW_MS) this.spent.shift()
    let inWindow = this.spent.reduce((sum, s) => sum + s.weight, 0)
    let forWeight = 0
    // Wait for the oldest spends to leave the window until this one fits.
    for (const s of this.spent) {
      if (inWindow + weight <= max) break
      inWindow -= s.weight
      forWeight = s.at + WINDOW_MS - now
    }
    return Math.max(forRate, forWeight)
  }
}

/** One budget per venue id for the whole process; venues never configured are not limited here. */
export class RequestBudgets {
  private readonly limits = new Map<string, BudgetLimits>()
  private readonly budgets = new Map<string, RequestBudget>()

  constructor(private readonly clock: BudgetClock = realClock) {}

  configure(venue: string, limits: BudgetLimits): void {
    this.limits.set(venue, limits)
    this.budgets.delete(venue)
  }

  /** The venue's shared budget, or null when it has none. */
  for(venue: string): RequestBudget | null {
    const existing = this.budgets.get(venue)
    if (existing) return existing
    const limits = this.limits.get(venue)
    if (!limits) return null
    const budget = new RequestBudget(limits, this.clock)
    this.budgets.set(venue, budget)
    return budget
  }
}

/** The process-wide budgets; `venues/index.ts` configures one per registered venue from its descriptor. */
export const requestBudgets = new RequestBudgets()
