// Deribit's calls through the shared ccxt error mapping, plus what only Deribit's answers say: 13028
// temporarily_unavailable (maintenance or overload, https://docs.deribit.com/#rpc-error-codes) comes with an HTTP 400
// that ccxt reads as a refusal, but it is a reason to come back later.
import { VenueRejected, VenueUnavailable } from '../../core/errors.js'
import { callCcxt, type CcxtClient } from '../ccxt-errors.js'

/** The JSON-RPC error code in ccxt's message (`deribit {"jsonrpc":"2.0","error":{"code":13028,…}}`), if any. */
function errorCode(message: string): number | null {
  const m = /"code"\s*:\s*(-?\d+)/.exec(message)
  return m ? Number(m[1]) : null
}

export async function callDeribit<T>(client: CcxtClient, what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await callCcxt('deribit', client, what, work)
  } catch (error) {
    if (error instanceof VenueRejected && (errorCode(error.message) === 13028 || /temporarily_unavailable/.test(error.message))) {
      throw new VenueUnavailable(`deribit is temporarily unavailable (maintenance or overload) during ${what}`, null, { cause: error })
    }
    throw error
  }
}
