// Collects what a market feed delivers to its sink, and lets a test wait for the next tick of a kind (or the next
// problem) as an event, without sleeping.
import type { FeedProblem, Tick, TickKind } from '../../market/feeds/types.js'

export function feedCollector() {
  const ticks: Tick[] = []
  const problems: FeedProblem[] = []
  const waiters: { match: (t: Tick) => boolean; resolve: (t: Tick) => void }[] = []
  const problemWaiters: ((p: FeedProblem) => void)[] = []
  /** Ticks a `next` call has returned. */
  const taken = new Set<Tick>()
  return {
    ticks,
    problems,
    sink: {
      tick(tick: Tick) {
        ticks.push(tick)
        const i = waiters.findIndex((w) => w.match(tick))
        if (i >= 0) {
          taken.add(tick)
          waiters.splice(i, 1)[0]!.resolve(tick)
        }
      },
      problem(p: FeedProblem) {
        problems.push(p)
        for (const resolve of problemWaiters.splice(0)) resolve(p)
      },
    },
    /** The next problem reported from now on. */
    nextProblem: () => new Promise<FeedProblem>((resolve) => problemWaiters.push(resolve)),
    /** The first tick of `kind` (and `match`) no earlier call returned, waiting for it if need be. */
    next(kind: TickKind, match: (t: Tick) => boolean = () => true): Promise<Tick> {
      const found = ticks.find((t) => !taken.has(t) && t.kind === kind && match(t))
      if (found) {
        taken.add(found)
        return Promise.resolve(found)
      }
      return new Promise((resolve) => waiters.push({ match: (t) => t.kind === kind && match(t), resolve }))
    },
  }
}

