// The one check every venue's JSON answer passes where it arrives: a zod schema of what the venue documents, and on a
// mismatch a VenueRejected naming the venue, what was being read and the first field at fault. The message never
// quotes the answer itself: it may hold account data, and a venue's text has no place in ours.
import type { z } from 'zod'
import { VenueRejected, VenueUnavailable } from '../core/errors.js'

/** `positions[3].size`, from zod's path of keys and indices. */
function fieldPath(path: readonly PropertyKey[]): string {
  const text = path.reduce<string>((at, key) => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${String(key)}` : String(key)), '')
  return text || '(the whole answer)'
}

/** zod's words for the issue; an unexpected key's name comes from the answer, so only its count is said. */
function describe(issue: z.core.$ZodIssue): string {
  return issue.code === 'unrecognized_keys' ? `${issue.keys.length} unexpected field(s)` : issue.message
}

/** `value` as `schema` describes it, or VenueRejected: a changed or truncated answer will not mend on retry. */
export function parsePayload<S extends z.ZodType>(venue: string, schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  throw new VenueRejected(`${venue} sent an unusable ${what}: ${fieldPath(issue.path)}: ${describe(issue)}`)
}

/**
 * An answer read through ccxt: ccxt hands back a body that is not JSON (cut off, an HTML error page) as its text,
 * which is a transient fault (VenueUnavailable); JSON of the wrong shape is checked by `parsePayload`.
 */
export function parseCcxtPayload<S extends z.ZodType>(venue: string, schema: S, value: unknown, what: string): z.output<S> {
  if (value === undefined || value === null || typeof value === 'string') throw new VenueUnavailable(`${venue} sent a body that is not JSON for ${what}`)
  return parsePayload(venue, schema, value, what)
}
