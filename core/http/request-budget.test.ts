// The per-venue request budget: a token bucket for the request rate and a rolling minute for weights, shared by
// every caller of one venue. A fake clock makes each wait exact.
import { describe, expect, test } from '@jest/globals'
import { startReplayServer } from '../replay/http-replay-server.js'
import { getJson } from './json-client.js'
import { RequestBudget, RequestBudgets, requestBudgets, type BudgetClock } from './request-budget.js'

function fakeClock(): BudgetClock & { sleeps: number[] } {
  let now = 0
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    async sleep(ms) {
      sleeps.push(ms)
      now += ms
    },
  }
}

describe('RequestBudget', () => {
  test('bursts up to one second of requests, then spaces them at the rate', async () => {
    const clock = fakeClock()
    const budget = new RequestBudget({ requestsPerSecond: 4, weightPerMinute: null }, clock)
    for (let i = 0; i < 6; i++) await budget.acquire()
    // Four go at once (the bucket holds 4); each later one waits 1/4 s for a token.
    expect(clock.sleeps).toEqual([250, 250])
    expect(clock.now()).toBe(500)
  })

  test('weights: a request that would pass the minute’s weight waits for the oldest spend to leave the window', async () => {
    const clock = fakeClock()
    const budget = new RequestBudget({ requestsPerSecond: 1000, weightPerMinute: 100 }, clock)
    await budget.acquire(60)
    await budget.acquire(30)
    // 60 + 30 + 20 > 100: the 60 spent at t=0 must leave the window (t = 60 s) first.
    await budget.acquire(20)
    expect(clock.now()).toBe(60_000)
    // Now 30 + 20 = 50 are in the window: 50 more fit at once.
    await budget.acquire(50)
    expect(clock.now()).toBe(60_000)
  })

  test('a request heavier than the whole window goes alone rather than never', async () => {
    const clock = fakeClock()
    const budget = new RequestBudget({ requestsPerSecond: 1000, weightPerMinute: 10 }, clock)
    await budget.acquire(5)
    await budget.acquire(25)
    expect(clock.now()).toBe(60_000)
  })

  test('callers are served in arrival order, and one that gives up does not block the rest', async () => {
    const clock = fakeClock()
    const budget = new RequestBudget({ requestsPerSecond: 1, weightPerMinute: null }, clock)
    await budget.acquire()
    const gaveUp = new AbortController()
    gaveUp.abort(new Error('caller gave up'))
    const order: string[] = []
    await Promise.all([
      budget.acquire(1, gaveUp.signal).then(() => order.push('aborted went'), () => order.push('aborted refused')),
      budget.acquire().then(() => order.push('second')),
      budget.acquire().then(() => order.push('third')),
    ])
    expect(order).toEqual(['aborted refused', 'second', 'third'])
    expect(clock.now()).toBe(2000)
  })

  test('refuses limits that would mean no request ever goes', () => {
    expect(() => new RequestBudget({ requestsPerSecond: 0, weightPerMinute: null })).toThrow(/requestsPerSecond must be positive/)
    expect(() => new RequestBudget({ requestsPerSecond: 1, weightPerMinute: 0 })).toThrow(/weightPerMinute must be positive/)
  })

  test('one budget per venue id; a venue never configured is not limited', () => {
    const budgets = new RequestBudgets(fakeClock())
    budgets.configure('hyperliquid', { requestsPerSecond: 5, weightPerMinute: 1200 })
    expect(budgets.for('hyperliquid')).toBe(budgets.for('hyperliquid'))
    expect(budgets.for('unknown-venue')).toBeNull()
  })
})

describe('the JSON client spends from the venue’s shared budget', () => {
  test('requests of two accounts of one venue are paced together', async () => {
    const server = await startReplayServer({ routes: { 'GET /a': { body: { ok: 1 } }, 'GET /b': { body: { ok: 2 } } } })
    try {
      // A venue id of this test only, so the process-wide registry of the real venues is left alone.
      requestBudgets.configure('budget-test-venue', { requestsPerSecond: 2, weightPerMinute: null })
      const options = { venue: 'budget-test-venue', timeoutMs: 5_000, what: 'testing' }
      // Two accounts' clients, three requests each, all at once: the shared bucket lets 2 go, then 1 per 1/2 s, so
      // the last cannot leave before 2 s (a lower bound only: a slow machine makes it later, never earlier).
      const started = Date.now()
      await Promise.all([0, 1, 2].flatMap(() => [getJson(`${server.url}/a`, options), getJson(`${server.url}/b`, options)]))
      expect(server.requests).toHaveLength(6)
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_950)
    } finally {
      await server.close()
    }
  })
})
