// Portfolio events inside one process: the indexer publishes, GraphQL subscriptions listen. One process only; a
// deployment with several API processes would carry these over PostgreSQL LISTEN/NOTIFY or Redis instead.
import { EventEmitter } from 'node:events'

export type PortfolioEvent =
  /** An account of the portfolio was fetched (successfully or not). */
  | { kind: 'account'; portfolioId: string; accountId: string }
  /** A margin call opened or resolved (an escalation resolves the lower call and opens the higher one). */
  | { kind: 'marginCall'; portfolioId: string; callId: string; change: 'opened' | 'resolved' }

export type PortfolioEventKind = PortfolioEvent['kind']

/** Events a slow subscriber may fall behind by before the oldest are dropped: a stuck client must not grow memory. */
const MAX_BACKLOG = 1000

/** The emitter channel carrying every portfolio's events (a symbol, so no portfolio id can collide with it). */
const ALL = Symbol('all portfolios')

export class PortfolioEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0)

  publish(event: PortfolioEvent): void {
    this.emitter.emit(event.portfolioId, event)
    this.emitter.emit(ALL, event)
  }

  /** Every event of every portfolio (webhook delivery); returns the function that stops listening. */
  listenAll(listener: (event: PortfolioEvent) => void): () => void {
    this.emitter.on(ALL, listener)
    return () => void this.emitter.off(ALL, listener)
  }

  /**
   * Events of one portfolio and kind, as an async iterator whose `return()` unsubscribes at once (graphql-ws calls
   * it when a client stops), even while a `next()` is waiting.
   */
  subscribe<K extends PortfolioEventKind>(portfolioId: string, kind: K): AsyncIterableIterator<Extract<PortfolioEvent, { kind: K }>> {
    type Event = Extract<PortfolioEvent, { kind: K }>
    const backlog: Event[] = []
    let waiting: ((result: IteratorResult<Event>) => void) | null = null
    let closed = false
    const listener = (event: PortfolioEvent) => {
      if (event.kind !== kind) return
      if (waiting) {
        const resolve = waiting
        waiting = null
        resolve({ value: event as Event, done: false })
      } else {
        backlog.push(event as Event)
        if (backlog.length > MAX_BACKLOG) backlog.shift()
      }
    }
    this.emitter.on(portfolioId, listener)
    const close = (): IteratorResult<Event> => {
      if (!closed) {
        closed = true
        this.emitter.off(portfolioId, listener)
        backlog.length = 0
        waiting?.({ value: undefined, done: true })
        waiting = null
      }
      return { value: undefined, done: true }
    }
    const iterator: AsyncIterableIterator<Event> = {
      next: () => {
        if (backlog.length > 0) return Promise.resolve({ value: backlog.shift()!, done: false })
        if (closed) return Promise.resolve({ value: undefined, done: true })
        return new Promise((resolve) => (waiting = resolve))
      },
      return: () => Promise.resolve(close()),
      throw: (error: unknown) => {
        close()
        return Promise.reject(error instanceof Error ? error : new Error(String(error)))
      },
      [Symbol.asyncIterator]: () => iterator,
    }
    return iterator
  }

  /** Subscribers of a portfolio now (tests check that unsubscribing really lets go). */
  listenerCount(portfolioId: string): number {
    return this.emitter.listenerCount(portfolioId)
  }
}
