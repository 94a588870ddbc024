// When a venue asks us to slow down (HTTP 429 or 418 with Retry-After), every account of that venue waits, not
// only the one that was told: the limit is the venue's, per IP or per key family, and hammering it with the
// other accounts' requests is what turns a 429 into Binance's 418 IP ban.
import { VenueUnavailable, type CrossmarginError } from '../core/errors.js'

/** A venue that names a pause longer than this is still retried after it: a stuck header must not stop us for a day. */
export const MAX_PAUSE_MS = 15 * 60_000

export interface VenuePause {
  until: Date
  reason: string
}

export class VenueBackoff {
  private readonly pauses = new Map<string, VenuePause>()

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Records a failure; pauses the venue when the venue said how long to wait. Returns the pause, if any. */
  note(venue: string, error: CrossmarginError): VenuePause | null {
    if (!(error instanceof VenueUnavailable) || error.retryAfterMs === null || error.retryAfterMs <= 0) return null
    const until = new Date(this.now().getTime() + Math.min(error.retryAfterMs, MAX_PAUSE_MS))
    const current = this.pauses.get(venue)
    // Several accounts may be told at once; the latest deadline wins.
    if (current && current.until >= until) return current
    const pause = { until, reason: error.message }
    this.pauses.set(venue, pause)
    return pause
  }

  /** The pause in force for a venue now, or null. */
  pausedUntil(venue: string): VenuePause | null {
    const pause = this.pauses.get(venue)
    if (!pause) return null
    if (pause.until <= this.now()) {
      this.pauses.delete(venue)
      return null
    }
    return pause
  }
}
