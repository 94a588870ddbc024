// Where a venue's unusable answer becomes the venue's fault, once. Connectors read payloads with the checks that
// guard user input (parseDecimal, "has no marginSummary"), which raise InvalidInput or DataUnavailable; raised while
// reading a venue's answer, they mean the venue sent something we cannot use, not that the caller erred.
import type { VenueSnapshot } from '../core/domain.js'
import { DataUnavailable, InvalidInput, VenueRejected } from '../core/errors.js'
import type { VenueConnector, FetchContext } from './types.js'

/** `error` as the venue's fault when a payload check raised it (VenueRejected naming the venue); otherwise unchanged. */
export function venueFault<E>(venue: string, error: E, what = 'answer'): E | VenueRejected {
  if (error instanceof InvalidInput || error instanceof DataUnavailable) return new VenueRejected(`${venue} sent an unusable ${what}: ${error.message}`, { cause: error })
  return error
}

/** One fetch of one account by its venue's connector, the way every fetch runs: payload faults are the venue's. */
export async function fetchVenueAccount<Config, Client>(connector: VenueConnector<Config, Client>, client: Client, config: Config, ctx: FetchContext): Promise<VenueSnapshot> {
  try {
    return await connector.fetchAccount(client, config, ctx)
  } catch (error) {
    throw venueFault(connector.descriptor.id, error)
  }
}
