// A local server answering like dYdX v4's indexer for one address: its subaccounts and the perpetual markets.
import { startReplayServer, type ReplayRoute, type ReplayServer } from '../../../core/replay/http-replay-server.js'

export interface DydxReplayData {
  address: string
  /** GET /v4/addresses/{address} answers, whose subaccounts also answer one by one. */
  addressResponse: { subaccounts: { subaccountNumber: number }[] }
  perpetualMarkets: unknown
}

export async function startDydxReplay(data: DydxReplayData): Promise<ReplayServer> {
  const routes: Record<string, ReplayRoute> = {
    [`GET /v4/addresses/${data.address}`]: { body: data.addressResponse },
    'GET /v4/perpetualMarkets': { body: data.perpetualMarkets },
  }
  for (const sub of data.addressResponse.subaccounts) {
    routes[`GET /v4/addresses/${data.address}/subaccountNumber/${sub.subaccountNumber}`] = { body: { subaccount: sub } }
  }
  return startReplayServer({ routes })
}
