// Which web pages may drive this API from a user's browser. A local install needs no key, so without this any page
// the user opens could read their portfolios and create an admin key through their browser (CORS once allowed every
// origin). Default: same origin only (the dashboard and GraphiQL this server serves); other origins only when the
// operator lists them (`server.allowedOrigins`). Clients that are not browsers send no Origin and are not affected;
// a request with a foreign Origin is refused outright (reads, mutations and WebSocket upgrades alike), not merely
// denied its CORS headers, so a "simple" cross-site POST cannot act without reading the answer either.
import type { IncomingHttpHeaders } from 'node:http'

export interface OriginPolicy {
  /** Origins other than the server's own that may call it, exactly as browsers send them (`https://app.example`). */
  allowedOrigins: readonly string[]
}

/** The Origin a browser sent, or null for a non-browser client (a sandboxed page's opaque "null" is an origin, refused). */
function originOf(headers: IncomingHttpHeaders): string | null {
  const origin = headers.origin
  return typeof origin === 'string' && origin !== '' ? origin : null
}

/** Same origin: the page's host (and port) is the host the request was sent to. */
function isSameOrigin(origin: string, headers: IncomingHttpHeaders): boolean {
  try {
    return new URL(origin).host === headers.host
  } catch {
    return false
  }
}

/** Null when the request may go on; otherwise why it is refused. */
export function refusedOrigin(headers: IncomingHttpHeaders, policy: OriginPolicy): string | null {
  const origin = originOf(headers)
  if (origin === null) return null
  if (isSameOrigin(origin, headers) || policy.allowedOrigins.includes(origin)) return null
  return `requests from the web origin ${origin} are not allowed (server.allowedOrigins lists the origins that may call this API)`
}
