// Portfolio events: the indexer publishes, GraphQL subscriptions and webhooks listen. Inside one process they go
// through an emitter; with PostgreSQL (DATABASE_URL), events-postgres.ts also relays them to the other crossmargin
// processes on the same database (LISTEN/NOTIFY), so an API process other than the indexer's serves subscriptions.
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
  private relay: ((event: PortfolioEvent) => void) | null = null

  /** An event of this process: to its listeners, and to other processes when a relay is set. */
  publish(event: PortfolioEvent): void {
    this.emitter.emit(event.portfolioId, event)
    this.emitter.emit(ALL, event)
    this.relay?.(event)
  }

  /**
   * An event another process published: to this process's subscribers only. `listenAll` listeners (webhook
   * queueing) are left out, since the publishing process has already acted on it once.
   */
  deliverRemote(event: PortfolioEvent): void {
    this.emitter.emit(event.portfolioId, event)
  }

  /** Where published events also go (events-postgres.ts); null to stop. */
  setRelay(relay: ((event: PortfolioEvent) => void) | null): void {
    this.relay = relay
  }

  /** Every event of every portfolio published in this process (webhook queueing); returns the function that stops listening. */
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
