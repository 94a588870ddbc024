// Portfolio events between two processes' worth of crossmargin on one PostgreSQL server (LISTEN/NOTIFY), and
// webhook deliveries claimed so that two dispatchers on one database never send one delivery twice.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import pg from 'pg'
import { silentLogger } from './logger.js'
import { PortfolioEvents, type PortfolioEvent } from './events.js'
import { bridgeEventsThroughPostgres, EVENTS_CHANNEL, type EventBridge } from './events-postgres.js'
import { decryptCredentials, encryptCredentials } from './credentials.js'
import { WebhookDispatcher } from '../notify/webhook-dispatcher.js'
import { createTestDatabase, type TestDatabase } from '../test/support/databases.js'

const next = <T>(iterator: AsyncIterator<T>, ms = 5_000) =>
  Promise.race([iterator.next().then((r) => r.value as T), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no event within ' + ms + ' ms')), ms))])

describe('events across processes through PostgreSQL', () => {
  let db: TestDatabase
  const bridges: EventBridge[] = []
  beforeAll(async () => {
    db = await createTestDatabase('postgres')
  })
  afterAll(async () => {
    for (const bridge of bridges) await bridge.close()
    await db?.destroy()
  })
  const process = async () => {
    const events = new PortfolioEvents()
    const bridge = bridgeEventsThroughPostgres(events, { connectionString: db.url!, logger: silentLogger() })
    bridges.push(bridge)
    await bridge.ready
    return events
  }

  test('an event published by the indexer’s process reaches a subscriber of another process, once', async () => {
    const [indexer, api] = [await process(), await process()]
    const remote = api.subscribe('p1', 'marginCall')
    const local = indexer.subscribe('p1', 'marginCall')
    const event: PortfolioEvent = { kind: 'marginCall', portfolioId: 'p1', callId: 'c1', change: 'opened' }
    indexer.publish(event)
    expect(await next(remote)).toEqual(event)
    expect(await next(local)).toEqual(event)
    // The publisher does not get its own event back from the database a second time.
    indexer.publish({ ...event, callId: 'c2' })
    expect(await next(local)).toMatchObject({ callId: 'c2' })
    expect(await next(remote)).toMatchObject({ callId: 'c2' })
    await remote.return!()
    await local.return!()
  })

  test('listenAll (webhook queueing) sees only its own process’s events: a margin call is queued once, not per process', async () => {
    const [indexer, api] = [await process(), await process()]
    const seen: string[] = []
    indexer.listenAll(() => seen.push('indexer'))
    api.listenAll(() => seen.push('api'))
    const remote = api.subscribe('p2', 'account')
    indexer.publish({ kind: 'account', portfolioId: 'p2', accountId: 'a1' })
    await next(remote)
    expect(seen).toEqual(['indexer'])
    await remote.return!()
  })

  test('an unreadable notification on the channel is ignored, and the bridge carries on', async () => {
    const api = await process()
    const remote = api.subscribe('p3', 'account')
    const other = new pg.Client({ connectionString: db.url! })
    await other.connect()
    try {
      await other.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, '{"origin":"x","event":{"kind":"drop table"}}'])
      await other.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, JSON.stringify({ origin: 'another-process', event: { kind: 'account', portfolioId: 'p3', accountId: 'a9' } })])
    } finally {
      await other.end()
    }
    expect(await next(remote)).toEqual({ kind: 'account', portfolioId: 'p3', accountId: 'a9' })
    await remote.return!()
  })
})

describe('webhook deliveries claimed across dispatchers', () => {
  let db: TestDatabase
  let server: http.Server
  const received: string[] = []
  beforeAll(async () => {
    db = await createTestDatabase('postgres')
    // A slow receiver: both dispatchers are inside their pass at the same time.
    server = http.createServer((req, res) => {
      received.push(String(req.headers['crossmargin-delivery']))
      setTimeout(() => res.writeHead(200).end(), 200)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  })
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
    await db?.destroy()
  })

  test('two dispatchers on one database send each due delivery exactly once', async () => {
    const key = randomBytes(32)
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Fund' } })
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
    const hook = await db.prisma.webhook.create({ data: { portfolioId: portfolio.id, url, secret: encryptCredentials({ secret: 'whsec_test' }, key), events: ['margin_call.opened'] } })
    const now = new Date()
    await db.prisma.webhookDelivery.createMany({ data: Array.from({ length: 6 }, () => ({ webhookId: hook.id, event: 'margin_call.opened', payload: {}, nextAttemptAt: new Date(now.getTime() - 1000) })) })
    const dispatcher = () => new WebhookDispatcher({ prisma: db.prisma, logger: silentLogger(), openSecret: (sealed) => decryptCredentials(sealed, key).secret!, allowPrivateAddresses: true, batchSize: 4 })
    const [a, b] = [dispatcher(), dispatcher()]
    const sent = await Promise.all([a.deliverDue(), b.deliverDue(), a.deliverDue(), b.deliverDue()])
    expect(sent.reduce((x, y) => x + y, 0)).toBe(6)
    expect(received).toHaveLength(6)
    expect(new Set(received).size).toBe(6)
    expect(await db.prisma.webhookDelivery.count({ where: { deliveredAt: { not: null } } })).toBe(6)
  })
})
