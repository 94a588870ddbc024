// A local server answering like Bybit's v5 REST API from response files; private endpoints need Bybit's headers.
import { startReplayServer, type RecordedRequest, type ReplayRoute, type ReplayServer } from '../../../core/replay/http-replay-server.js'

const requireSignature = (request: RecordedRequest) =>
  request.headers['x-bapi-api-key'] && request.headers['x-bapi-sign']
    ? null
    : { status: 401, body: { retCode: 10003, retMsg: 'API key is invalid.', result: {}, retExtInfo: {}, time: Date.now() } }

/** `files` maps an endpoint path (`/v5/position/list`) to its response file. */
export async function startBybitReplay(files: Record<string, string>): Promise<ReplayServer> {
  const routes: Record<string, ReplayRoute> = {}
  for (const [endpoint, file] of Object.entries(files)) routes[`GET ${endpoint}`] = { body: { file }, guard: endpoint.startsWith('/v5/market/') ? undefined : requireSignature }
  return startReplayServer({ routes })
}
