// Retrying an assertion until it holds or its time is up, for values that change by themselves (a page rendering, a
// queue draining, a listener subscribing): Jest has no `expect.poll`, so this is Vitest's, with the same defaults.
import { expect } from '@jest/globals'

export interface PollOptions {
  /** How long the assertion may keep failing, in ms (Vitest's default: 1 s). */
  timeout?: number
  /** The pause between attempts, in ms. */
  interval?: number
}

type Matchers = ReturnType<typeof expect>
/** Every matcher of `expect(value)`, each answering a promise that settles when it holds or the time is up. */
export type PolledMatchers = {
  [K in keyof Matchers as Matchers[K] extends (...args: never[]) => unknown ? K : never]: Matchers[K] extends (...args: infer A) => unknown ? (...args: A) => Promise<void> : never
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** `await poll(() => count()).toBe(1)`: reads the value again until the matcher passes; the last failure otherwise. */
export function poll<T>(read: () => T | Promise<T>, { timeout = 1_000, interval = 50 }: PollOptions = {}): PolledMatchers {
  const attempt = (matcher: string, args: unknown[]) => async (): Promise<void> => {
    const deadline = Date.now() + timeout
    for (;;) {
      let timer: NodeJS.Timeout | undefined
      try {
        // A read that never settles fails at the deadline, as one that keeps answering the wrong value does.
        const value = await Promise.race([
          read(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`poll: no value within ${timeout} ms`)), Math.max(0, deadline - Date.now()))
          }),
        ])
        const matchers = expect(value) as unknown as Record<string, (...a: unknown[]) => unknown>
        matchers[matcher]!(...args)
        return
      } catch (error) {
        if (Date.now() >= deadline) throw error
      } finally {
        clearTimeout(timer)
      }
      await sleep(Math.min(interval, Math.max(0, deadline - Date.now())))
    }
  }
  // Not a thenable: `then` is no matcher, so returning the proxy from an async function does not call it.
  return new Proxy({} as PolledMatchers, { get: (_, matcher) => (matcher === 'then' ? undefined : (...args: unknown[]) => attempt(String(matcher), args)()) })
}
