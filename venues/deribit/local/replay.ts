// A local server answering Deribit's JSON-RPC over HTTP GET (/api/v2/<method>) from response files; private
// methods refuse requests without Deribit's signed Authorization header.
import { startReplayServer, type RecordedRequest, type ReplayRoute, type ReplayServer } from '../../../core/replay/http-replay-server.js'

const requireSignature = (request: RecordedRequest) =>
  String(request.headers.authorization ?? '').startsWith('deri-hmac-sha256 ')
    ? null
    : { status: 401, body: { jsonrpc: '2.0', error: { message: 'unauthorized', code: 13009 }, testnet: false } }

/** `files` maps a JSON-RPC method (`private/get_positions`) to its response file; `bodies` to an answer given inline. */
export async function startDeribitReplay(files: Record<string, string>, bodies: Record<string, unknown> = {}): Promise<ReplayServer> {
  const routes: Record<string, ReplayRoute> = {}
  for (const [method, file] of Object.entries(files)) {
    routes[`GET /api/v2/${method}`] = { body: { file }, guard: method.startsWith('private/') ? requireSignature : undefined }
  }
  for (const [method, body] of Object.entries(bodies)) {
    routes[`GET /api/v2/${method}`] = { body, guard: method.startsWith('private/') ? requireSignature : undefined }
  }
  return startReplayServer({ routes })
}
