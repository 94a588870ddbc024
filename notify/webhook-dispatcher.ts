// Margin calls to webhooks: each opened or resolved call becomes one stored delivery per webhook of its portfolio
// that asked for that event, and a loop POSTs due deliveries, signed (webhook-signature.ts), retrying failures with
// growing delays. Deliveries live in PostgreSQL, so a restart resumes where it stopped; a receiver may still see an
// event twice (a crash between its 2xx and our write), so each POST carries the delivery id to deduplicate on.
import type { Logger } from 'pino'
import { Prisma, type PrismaClient } from '../generated/prisma/client.js'
import type { PortfolioEvent, PortfolioEvents } from '../core/events.js'
import { SIGNATURE_HEADER, signPayload } from './webhook-signature.js'
import { PrivateAddressRefused, postWebhook } from './webhook-target.js'

export const WEBHOOK_EVENTS = ['margin_call.opened', 'margin_call.resolved'] as const
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

/** Delay before attempt n+1 after n failures; after the last, the delivery is given up. About a day in all. */
export const RETRY_DELAYS_MS = [10_000, 60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000, 6 * 3600_000, 16 * 3600_000]

export interface WebhookDispatcherDeps {
  prisma: PrismaClient
  logger: Logger
  /** The plain secret of a stored (encrypted) webhook secret. */
  openSecret: (sealed: string) => string
  now?: () => Date
  timeoutMs?: number
  /** Deliveries sent per pass. */
  batchSize?: number
  /** Lets webhooks reach loopback and private networks (webhook-target.ts); off unless the deployment says so. */
  allowPrivateAddresses?: boolean
}

export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private unlisten: (() => void) | null = null
  private readonly now: () => Date

  constructor(private readonly deps: WebhookDispatcherDeps) {
    this.now = deps.now ?? (() => new Date())
  }

  /** Enqueues a delivery per matching webhook for each margin-call event published from now on. */
  listen(events: PortfolioEvents): void {
    this.unlisten = events.listenAll((event) => {
      this.enqueue(event).catch((error: unknown) => this.deps.logger.error({ err: error, event }, 'could not queue webhook deliveries'))
    })
  }

  async enqueue(event: PortfolioEvent): Promise<number> {
    if (event.kind !== 'marginCall') return 0
    const name: WebhookEvent = event.change === 'opened' ? 'margin_call.opened' : 'margin_call.resolved'
    const webhooks = await this.deps.prisma.webhook.findMany({ where: { portfolioId: event.portfolioId, disabledAt: null, events: { has: name } }, select: { id: true } })
    if (webhooks.length === 0) return 0
    const call = await this.deps.prisma.marginCall.findUnique({ where: { id: event.callId }, include: { account: { select: { venue: true, label: true } } } })
    if (!call) return 0
    const marginCall = {
      id: call.id,
      accountId: call.accountId,
      venue: call.account?.venue ?? null,
      accountLabel: call.account?.label ?? null,
      level: call.level,
      metric: call.metric,
      threshold: call.threshold.toString(),
      value: call.value?.toString() ?? null,
      valueNullReason: call.valueNullReason,
      reason: call.reason,
      openedAt: call.openedAt.toISOString(),
      resolvedAt: call.resolvedAt?.toISOString() ?? null,
      resolution: call.resolution,
    }
    const at = this.now()
    await this.deps.prisma.webhookDelivery.createMany({
      data: webhooks.map((w) => ({ webhookId: w.id, event: name, payload: { event: name, portfolioId: event.portfolioId, occurredAt: at.toISOString(), marginCall }, nextAttemptAt: at })),
    })
    return webhooks.length
  }

  /** Sends every due delivery once (up to the batch size); returns how many were attempted. */
  async deliverDue(): Promise<number> {
    const now = this.now()
    // Claimed, not just read: several crossmargin processes may run this loop on one database. Each claim moves the
    // rows' next attempt past a lease (the send's timeout and a minute), skipping rows another process holds, so no
    // delivery goes out twice at once; one whose sender died is sent again when its lease runs out.
    const lease = new Date(now.getTime() + (this.deps.timeoutMs ?? 10_000) + 60_000)
    const claimed = await this.deps.prisma.$queryRaw<{ id: string }[]>(Prisma.sql`
      UPDATE "WebhookDelivery" SET "nextAttemptAt" = ${lease}
      WHERE "id" IN (
        SELECT d."id" FROM "WebhookDelivery" d JOIN "Webhook" w ON w."id" = d."webhookId"
        WHERE d."deliveredAt" IS NULL AND d."failedAt" IS NULL AND d."nextAttemptAt" <= ${now} AND w."disabledAt" IS NULL
        ORDER BY d."nextAttemptAt" LIMIT ${this.deps.batchSize ?? 20}
        FOR UPDATE OF d SKIP LOCKED)
      RETURNING "id"`)
    if (claimed.length === 0) return 0
    const due = await this.deps.prisma.webhookDelivery.findMany({ where: { id: { in: claimed.map((c) => c.id) } }, include: { webhook: true }, orderBy: { createdAt: 'asc' } })
    for (const delivery of due) await this.attempt(delivery)
    return due.length
  }

  private async attempt(delivery: Awaited<ReturnType<PrismaClient['webhookDelivery']['findFirstOrThrow']>> & { webhook: { id: string; url: string; secret: string } }): Promise<void> {
    const body = JSON.stringify({ id: delivery.id, ...(delivery.payload as object) })
    const sentAt = this.now()
    let status: number | null = null
    let error: string | null = null
    try {
      const signature = signPayload(this.deps.openSecret(delivery.webhook.secret), body, Math.floor(sentAt.getTime() / 1000))
      status = await postWebhook({
        url: delivery.webhook.url,
        headers: { 'content-type': 'application/json', 'user-agent': 'crossmargin-webhooks', [SIGNATURE_HEADER]: signature, 'crossmargin-event': delivery.event, 'crossmargin-delivery': delivery.id },
        body,
        timeoutMs: this.deps.timeoutMs ?? 10_000,
        allowPrivateAddresses: this.deps.allowPrivateAddresses ?? false,
      })
    } catch (e) {
      // Only the kind of failure: a URL or an address could carry what the owner would not want in our logs.
      error = e instanceof PrivateAddressRefused ? 'refused: the host resolves to a private address' : e instanceof Error && e.name === 'TimeoutError' ? 'no answer in time' : 'unreachable'
    }
    const attempts = delivery.attempts + 1
    if (status !== null && status >= 200 && status < 300) {
      await this.deps.prisma.webhookDelivery.update({ where: { id: delivery.id }, data: { attempts, deliveredAt: sentAt, lastStatus: status, lastError: null } })
      return
    }
    if (status === 410) {
      // The receiver says it is gone for good: stop sending to it.
      await this.deps.prisma.$transaction([
        this.deps.prisma.webhook.update({ where: { id: delivery.webhook.id }, data: { disabledAt: sentAt, disabledReason: 'the endpoint answered 410 Gone' } }),
        this.deps.prisma.webhookDelivery.updateMany({ where: { webhookId: delivery.webhook.id, deliveredAt: null, failedAt: null }, data: { failedAt: sentAt } }),
        this.deps.prisma.webhookDelivery.update({ where: { id: delivery.id }, data: { attempts, lastStatus: status, lastError: 'gone' } }),
      ])
      this.deps.logger.warn({ webhookId: delivery.webhook.id }, 'webhook disabled: its endpoint answered 410 Gone')
      return
    }
    const delay = RETRY_DELAYS_MS[attempts - 1]
    await this.deps.prisma.webhookDelivery.update({
      where: { id: delivery.id },
      data: {
        attempts,
        lastStatus: status,
        lastError: error ?? `HTTP ${status}`,
        ...(delay === undefined ? { failedAt: sentAt } : { nextAttemptAt: new Date(sentAt.getTime() + delay) }),
      },
    })
    this.deps.logger.warn({ webhookId: delivery.webhook.id, deliveryId: delivery.id, attempts, status, error, gaveUp: delay === undefined }, 'webhook delivery failed')
  }

  /** Delivers due events every `intervalMs` until stopped. */
  start(intervalMs = 2_000): void {
    const tick = () => {
      this.running = this.deliverDue()
        .then(() => undefined)
        .catch((error: unknown) => this.deps.logger.error({ err: error }, 'webhook delivery pass failed'))
        .finally(() => {
          this.running = null
          if (this.timer) this.timer = setTimeout(tick, intervalMs)
        })
    }
    this.timer = setTimeout(tick, intervalMs)
  }

  async stop(): Promise<void> {
    this.unlisten?.()
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    await this.running
  }
}
