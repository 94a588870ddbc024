// Portfolio events across processes through PostgreSQL LISTEN/NOTIFY (DESIGN §5): every crossmargin process on one
// database listens on one channel, relays what it publishes there, and hands what others publish to its own
// subscribers. One dedicated connection per process, reconnected with growing pauses when it drops; an event
// published while it is down is not replayed (subscriptions are live views: what they show is stored, and a client
// reads it back on reconnect). Embedded PGlite serves one process only and needs none of this.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import type { Logger } from 'pino'
import type { PortfolioEvent, PortfolioEvents } from './events.js'

export const EVENTS_CHANNEL = 'crossmargin_portfolio_events'
const KINDS = new Set(['account', 'marginCall'])

interface Envelope {
  origin: string
  event: PortfolioEvent
}

function readEnvelope(payload: string | undefined): Envelope | null {
  try {
    const envelope = JSON.parse(payload ?? '') as Envelope
    const event = envelope?.event
    if (typeof envelope.origin !== 'string' || !event || !KINDS.has(event.kind) || typeof event.portfolioId !== 'string') return null
    return envelope
  } catch {
    return null
  }
}

export interface EventBridge {
  /** Resolves once this process is listening (the first connection made). */
  ready: Promise<void>
  close(): Promise<void>
}

export function bridgeEventsThroughPostgres(events: PortfolioEvents, options: { connectionString: string; logger: Logger; maxPauseMs?: number }): EventBridge {
  const origin = randomUUID()
  let client: pg.Client | null = null
  let closed = false
  let pauseMs = 500
  let retry: NodeJS.Timeout | null = null
  let markReady: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (markReady = resolve))

  const connect = async () => {
    if (closed) return
    const next = new pg.Client({ connectionString: options.connectionString })
    next.on('notification', (message) => {
      if (message.channel !== EVENTS_CHANNEL) return
      const envelope = readEnvelope(message.payload)
      if (!envelope) return options.logger.warn({ channel: message.channel }, 'an unreadable portfolio event was ignored')
      if (envelope.origin !== origin) events.deliverRemote(envelope.event)
    })
    next.on('error', (error) => options.logger.warn({ error: error.message }, 'portfolio event connection failed'))
    next.on('end', () => {
      if (client === next) client = null
      if (!closed) schedule()
    })
    try {
      await next.connect()
      await next.query(`LISTEN ${EVENTS_CHANNEL}`)
      client = next
      pauseMs = 500
      markReady()
    } catch (error) {
      options.logger.warn({ error: (error as Error).message, retryInMs: pauseMs }, 'could not listen for portfolio events; trying again')
      await next.end().catch(() => undefined)
      schedule()
    }
  }
  const schedule = () => {
    if (closed || retry) return
    retry = setTimeout(() => {
      retry = null
      void connect()
    }, pauseMs)
    pauseMs = Math.min(pauseMs * 2, options.maxPauseMs ?? 30_000)
  }

  events.setRelay((event) => {
    const target = client
    if (!target) return options.logger.warn({ kind: event.kind, portfolioId: event.portfolioId }, 'portfolio event not relayed: no connection to PostgreSQL')
    target.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, JSON.stringify({ origin, event } satisfies Envelope)]).catch((error: unknown) => {
      options.logger.warn({ error: (error as Error).message }, 'portfolio event not relayed')
    })
  })
  void connect()

  return {
    ready,
    async close() {
      closed = true
      events.setRelay(null)
      if (retry) clearTimeout(retry)
      const current = client
      client = null
      await current?.end().catch(() => undefined)
    },
  }
}
