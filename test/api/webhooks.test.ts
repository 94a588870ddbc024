// Margin-call webhooks end to end: created over GraphQL (secret shown once, stored sealed), events queued in
// PostgreSQL, POSTed to a local receiver with a signature the receiver verifies, retried on failure with growing
// delays, resumed by a new dispatcher after a restart, and stopped for good by 410 Gone.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import { expect } from '../support/expect.js'
import { poll } from '../support/poll.js'
import { decryptCredentials, encryptCredentials } from '../../core/credentials.js'
import { silentLogger } from '../../core/logger.js'
import { RETRY_DELAYS_MS, WebhookDispatcher } from '../../notify/webhook-dispatcher.js'
import { SIGNATURE_HEADER, signPayload, verifySignature } from '../../notify/webhook-signature.js'
import { PortfolioEvents } from '../../core/events.js'
import { createTestDatabase, type TestDatabase } from '../support/databases.js'
import { startTestApi, type TestApi } from '../support/api.js'

interface Received {
  headers: http.IncomingHttpHeaders
  body: string
}

/** A webhook receiver answering each POST with the next status of `script` (then 200). */
async function startReceiver() {
  const received: Received[] = []
  const script: number[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(script.shift() ?? 200).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/margin`, received, script, close: () => new Promise((r) => server.close(r)) }
}

describe('margin-call webhooks', () => {
  const key = randomBytes(32)
  let db: TestDatabase
  let api: TestApi
  let receiver: Awaited<ReturnType<typeof startReceiver>>
  let clock = new Date('2026-11-25T10:00:00Z')
  // The receiver is on 127.0.0.1: this deployment allows private addresses (the default refuses them, tested below).
  const dispatcher = (allowPrivateAddresses = true) => new WebhookDispatcher({ prisma: db.prisma, logger: silentLogger(), openSecret: (sealed) => decryptCredentials(sealed, key).secret!, now: () => clock, allowPrivateAddresses })
  const ids = { portfolio: '', account: '', call: '' }

  beforeAll(async () => {
    db = await createTestDatabase('pglite')
    receiver = await startReceiver()
    api = await startTestApi(db, { sealCredentials: (plain) => encryptCredentials(plain, key), allowPrivateWebhookAddresses: true })
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Fund' } })
    const account = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'aave-v3', label: 'aave', config: {} } })
    const call = await db.prisma.marginCall.create({
      data: { portfolioId: portfolio.id, accountId: account.id, level: 'call', metric: 'healthFactor', threshold: '1.1', value: '1.0725', reason: 'healthFactor 1.0725 past the call line 1.1' },
    })
    Object.assign(ids, { portfolio: portfolio.id, account: account.id, call: call.id })
  })
  afterAll(async () => {
    await api?.close()
    await receiver?.close()
    await db?.destroy()
  })

  async function createWebhook(events: string[]): Promise<{ id: string; secret: string }> {
    const res = await api.query<{ createWebhook: { secret: string; webhook: { id: string } } }>(
      `mutation($p: ID!, $u: String!, $e: [WebhookEvent!]!) { createWebhook(input: { portfolioId: $p, url: $u, events: $e }) { secret webhook { id } } }`,
      { p: ids.portfolio, u: receiver.url, e: events },
    )
    expect(res.errors).toBeUndefined()
    return { id: res.data!.createWebhook.webhook.id, secret: res.data!.createWebhook.secret }
  }

  test('a signed POST reaches the receiver, which can verify it; the secret is stored sealed', async () => {
    const hook = await createWebhook(['MARGIN_CALL_OPENED'])
    expect(hook.secret).toMatch(/^whsec_/)
    const stored = await db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } })
    expect(stored.secret).not.toContain(hook.secret)

    const d = dispatcher()
    expect(await d.enqueue({ kind: 'marginCall', portfolioId: ids.portfolio, callId: ids.call, change: 'opened' })).toBe(1)
    // Not subscribed to resolutions: nothing queued.
    expect(await d.enqueue({ kind: 'marginCall', portfolioId: ids.portfolio, callId: ids.call, change: 'resolved' })).toBe(0)
    expect(await d.deliverDue()).toBe(1)

    expect(receiver.received).toHaveLength(1)
    const { headers, body } = receiver.received[0]!
    expect(verifySignature(hook.secret, body, headers[SIGNATURE_HEADER] as string, clock.getTime() / 1000)).toBe(true)
    // A tampered body or a stale timestamp fails the same check.
    expect(verifySignature(hook.secret, body.replace('1.0725', '9.9999'), headers[SIGNATURE_HEADER] as string, clock.getTime() / 1000)).toBe(false)
    expect(verifySignature(hook.secret, body, headers[SIGNATURE_HEADER] as string, clock.getTime() / 1000 + 3600)).toBe(false)
    const payload = JSON.parse(body)
    expect(payload).toMatchObject({ id: headers['crossmargin-delivery'], event: 'margin_call.opened', portfolioId: ids.portfolio })
    expect(payload.marginCall).toMatchObject({ id: ids.call, venue: 'aave-v3', level: 'call', metric: 'healthFactor', threshold: '1.1', value: '1.0725' })
    const delivery = await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: payload.id } })
    expect(delivery).toMatchObject({ attempts: 1, lastStatus: 200, failedAt: null })
    expect(delivery.deliveredAt).not.toBeNull()
    await db.prisma.webhook.delete({ where: { id: hook.id } })
  })

  test('a failing receiver is retried after the first delay, by a new dispatcher too (the queue is in the database)', async () => {
    const hook = await createWebhook(['MARGIN_CALL_OPENED', 'MARGIN_CALL_RESOLVED'])
    receiver.received.length = 0
    receiver.script.push(503)
    const first = dispatcher()
    await first.enqueue({ kind: 'marginCall', portfolioId: ids.portfolio, callId: ids.call, change: 'resolved' })
    await first.deliverDue()
    const failed = await db.prisma.webhookDelivery.findFirstOrThrow({ where: { webhookId: hook.id } })
    expect(failed).toMatchObject({ attempts: 1, lastStatus: 503, deliveredAt: null, failedAt: null })
    expect(failed.nextAttemptAt.getTime() - clock.getTime()).toBe(RETRY_DELAYS_MS[0])
    // Not due yet: nothing sent.
    expect(await first.deliverDue()).toBe(0)

    clock = new Date(clock.getTime() + RETRY_DELAYS_MS[0]!)
    const afterRestart = dispatcher()
    expect(await afterRestart.deliverDue()).toBe(1)
    expect(receiver.received).toHaveLength(2)
    // The same delivery id both times: the receiver can tell a retry from a new event.
    expect(receiver.received[0]!.headers['crossmargin-delivery']).toBe(receiver.received[1]!.headers['crossmargin-delivery'])
    expect((await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: failed.id } })).deliveredAt).not.toBeNull()
    await db.prisma.webhook.delete({ where: { id: hook.id } })
  })

  test('410 Gone disables the webhook and drops what was queued for it', async () => {
    const hook = await createWebhook(['MARGIN_CALL_OPENED'])
    receiver.script.push(410)
    const d = dispatcher()
    await d.enqueue({ kind: 'marginCall', portfolioId: ids.portfolio, callId: ids.call, change: 'opened' })
    await d.enqueue({ kind: 'marginCall', portfolioId: ids.portfolio, callId: ids.call, change: 'opened' })
    await d.deliverDue()
    const stored = await db.prisma.webhook.findUniqueOrThrow({ where: { id: hook.id } })
    expect(stored.disabledReason).toMatch(/410/)
    expect(await db.prisma.webhookDelivery.count({ where: { webhookId: hook.id, failedAt: null, deliveredAt: null } })).toBe(0)
    expect(await d.enqueue({ kind: 'marginCall', portfolioId: ids.portfolio, callId: ids.call, change: 'opened' })).toBe(0)
    const view = await api.query<{ portfolio: { webhooks: { disabledAt: string | null; deliveries: { lastStatus: number | null }[] }[] } }>(
      `query($p: ID!) { portfolio(id: $p) { webhooks { disabledAt deliveries { lastStatus } } } }`,
      { p: ids.portfolio },
    )
    expect(view.data!.portfolio.webhooks[0]!.disabledAt).not.toBeNull()
    expect(view.data!.portfolio.webhooks[0]!.deliveries.map((x) => x.lastStatus)).toContain(410)
  })

  test('events published by the monitor are queued for delivery without anyone calling enqueue', async () => {
    await db.prisma.webhook.deleteMany()
    const hook = await createWebhook(['MARGIN_CALL_OPENED'])
    const events = new PortfolioEvents()
    const d = dispatcher()
    d.listen(events)
    events.publish({ kind: 'marginCall', portfolioId: ids.portfolio, callId: ids.call, change: 'opened' })
    await poll(() => db.prisma.webhookDelivery.count({ where: { webhookId: hook.id } })).toBe(1)
    await d.stop()
  })

  test('bad input is refused naming the field, and nothing is stored', async () => {
    const before = await db.prisma.webhook.count()
    for (const [url, events, field] of [
      ['ftp://example.com/x', ['MARGIN_CALL_OPENED'], 'input.url'],
      ['https://user:pw@example.com/x', ['MARGIN_CALL_OPENED'], 'input.url'],
      ['https://example.com/x', [], 'input.events'],
    ] as const) {
      const res = await api.query(`mutation($p: ID!, $u: String!, $e: [WebhookEvent!]!) { createWebhook(input: { portfolioId: $p, url: $u, events: $e }) { secret } }`, { p: ids.portfolio, u: url, e: events })
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'INVALID_INPUT', field })
    }
    expect(await db.prisma.webhook.count()).toBe(before)
  })

  test('by default a webhook may not reach this machine or a private network: refused at creation, and at delivery', async () => {
    const guarded = await startTestApi(db, { sealCredentials: (plain) => encryptCredentials(plain, key) })
    try {
      for (const url of ['http://127.0.0.1:9/x', 'http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/x', 'http://[::1]/x', 'http://[::ffff:192.168.1.1]/x', 'http://localhost:9/x']) {
        const res = await guarded.query(`mutation($p: ID!, $u: String!) { createWebhook(input: { portfolioId: $p, url: $u, events: [MARGIN_CALL_OPENED] }) { secret } }`, { p: ids.portfolio, u: url })
        expect(res.errors?.[0], url).toMatchObject({ message: expect.stringMatching(/private or reserved address/), extensions: { code: 'INVALID_INPUT', field: 'input.url' } })
      }
    } finally {
      await guarded.close()
    }
    // A webhook stored while private addresses were allowed (or whose name now resolves inward) is refused when sent:
    // localhost resolves to loopback, and the connection is never opened.
    const hook = await db.prisma.webhook.create({ data: { portfolioId: ids.portfolio, url: receiver.url.replace('127.0.0.1', 'localhost'), secret: encryptCredentials({ secret: 'whsec_x' }, key), events: ['margin_call.opened'] } })
    const delivery = await db.prisma.webhookDelivery.create({ data: { webhookId: hook.id, event: 'margin_call.opened', payload: {}, nextAttemptAt: clock } })
    const before = receiver.received.length
    await dispatcher(false).deliverDue()
    expect(receiver.received.length).toBe(before)
    expect(await db.prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({ attempts: 1, deliveredAt: null, lastError: 'refused: the host resolves to a private address' })
    await db.prisma.webhook.delete({ where: { id: hook.id } })
  })

  test('the signature is HMAC-SHA256 over "<t>.<body>", as an independent implementation computes it', () => {
    // openssl's HMAC (checked against RFC 4231 test case 2: key "Jefe", "what do ya want for nothing?" →
    // 5bdcc146…3843) over "1.what do ya want for nothing?":
    // printf '1.what do ya want for nothing?' | openssl dgst -sha256 -hmac Jefe
    expect(signPayload('Jefe', 'what do ya want for nothing?', 1)).toBe('t=1,v1=a9049465ce89cfb8e9aac62333abda66f80e3403f51f57f6bae3c3a4485eca38')
  })
})
