// A local server answering like OKX's v5 REST API from response files; private endpoints need OKX's headers.
import { startReplayServer, type RecordedRequest, type ReplayRoute, type ReplayServer } from '../../../core/replay/http-replay-server.js'

const requireSignature = (request: RecordedRequest) =>
  request.headers['ok-access-key'] && request.headers['ok-access-sign'] && request.headers['ok-access-passphrase']
    ? null
    : { status: 401, body: { code: '50113', msg: 'Invalid Sign', data: [] } }

/** `files` maps an endpoint path (`/api/v5/account/positions`) to its response file. */
export async function startOkxReplay(files: Record<string, string>): Promise<ReplayServer> {
  const routes: Record<string, ReplayRoute> = {}
  for (const [endpoint, file] of Object.entries(files)) routes[`GET ${endpoint}`] = { body: { file }, guard: endpoint.startsWith('/api/v5/public/') ? undefined : requireSignature }
  return startReplayServer({ routes })
}
