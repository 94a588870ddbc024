// How a webhook receiver knows a POST came from this server and was not replayed: the header
// `Crossmargin-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the webhook's secret>`.
// The timestamp is inside the signed text, so a receiver that rejects old timestamps also rejects replays.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'crossmargin-signature'

/** A new webhook secret, shown to its creator once. */
export function generateWebhookSecret(): string {
  return 'whsec_' + randomBytes(32).toString('base64url')
}

export function signPayload(secret: string, body: string, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex')
  return `t=${timestampSeconds},v1=${mac}`
}

/**
 * What a receiver runs (exported for receivers written in TypeScript, and for our tests): true when the header is a
 * valid signature of `body` made within `toleranceSeconds` of `nowSeconds`.
 */
export function verifySignature(secret: string, body: string, header: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=') as [string, string]))
  const t = Number(parts.t)
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(nowSeconds - t) > toleranceSeconds) return false
  const expected = Buffer.from(signPayload(secret, body, t).split('v1=')[1]!, 'hex')
  const given = Buffer.from(parts.v1, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}
