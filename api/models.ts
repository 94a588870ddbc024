// What resolvers pass between each other: database rows as Prisma returns them, plus a few assembled views.
import type { Account, AccountEvent, ApiKey, Balance, Webhook, WebhookDelivery, Instrument, MarginCall, Portfolio, Position, Snapshot, VenueMargin } from '../generated/prisma/client.js'

export type PortfolioModel = Portfolio
export type AccountModel = Account
export type SnapshotModel = Snapshot
export type SnapshotSummaryModel = Pick<Snapshot, 'id' | 'status' | 'asOf' | 'fetchedAt' | 'durationMs' | 'error'>
export type PositionModel = Position & { instrument: Instrument }
export type BalanceModel = Balance
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
  reported: VenueMargin
  replicated: VenueMargin
}
