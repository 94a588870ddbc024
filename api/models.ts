// What resolvers pass between each other: database rows as Prisma returns them, plus a few assembled views.
import type { AccountEvent, ApiKey, Webhook, WebhookDelivery, MarginCall, Portfolio } from '../generated/prisma/client.js'
import type { VenueMarginModel } from '../portfolio/rows.js'

// The stored portfolio's rows are the portfolio service's own (portfolio/rows.ts); named here too for the codegen map.
export type { AccountModel, BalanceModel, PositionModel, SnapshotModel, SnapshotSummaryModel } from '../portfolio/rows.js'
export type PortfolioModel = Portfolio
export type MarginCallModel = MarginCall
/** The stored row; its `hash` has no GraphQL field, so it never leaves the server. */
export type ApiKeyModel = ApiKey
export type AccountEventModel = AccountEvent
/** Stored rows; the webhook's sealed `secret` has no GraphQL field. */
export type WebhookModel = Webhook
export type WebhookDeliveryModel = WebhookDelivery
export interface MarginCallEventModel {
  change: 'OPENED' | 'RESOLVED'
  call: MarginCall
}

export interface VenueMarginComparisonModel {
  accountId: string
  venue: string
  asOf: Date
  reported: VenueMarginModel
  replicated: VenueMarginModel
}
