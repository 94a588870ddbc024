// A local server answering like Bybit's v5 REST API from response files; private endpoints need Bybit's headers.
// Position lists answer for the category their file is for (an empty list for any other, as Bybit answers an account
// holding nothing there), page by page: a request with `cursor` gets the next file of that category after the one
// whose `nextPageCursor` it is, or an empty page. Risk limits answer for the symbol their file lists (an empty list
// for a symbol none lists).
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { startReplayServer, type RecordedRequest, type ReplayRoute, type ReplayServer } from '../../../core/replay/http-replay-server.js'

const requireSignature = (request: RecordedRequest) =>
  request.headers['x-bapi-api-key'] && request.headers['x-bapi-sign']
    ? null
    : { status: 401, body: { retCode: 10003, retMsg: 'API key is invalid.', result: {}, retExtInfo: {}, time: Date.now() } }

/** A response file: a v5 answer, its list (if any) of rows naming their symbol. */
const V5ListSchema = z.looseObject({
  retCode: z.number(),
  result: z.looseObject({ category: z.string().optional(), list: z.array(z.looseObject({ symbol: z.string().optional() })).optional(), nextPageCursor: z.string().optional() }),
  time: z.number().optional(),
})
type V5List = z.infer<typeof V5ListSchema>

const empty = (category: string | null) => ({ retCode: 0, retMsg: 'OK', result: { category: category ?? '', list: [], nextPageCursor: '' }, retExtInfo: {}, time: Date.now() })

/** Answers from the file whose `result.category` (and, with `bySymbol`, listed symbol) match the request. */
function selectBy(files: V5List[], bySymbol: boolean) {
  return (request: RecordedRequest) => {
    const category = request.query.get('category')
    const symbol = request.query.get('symbol')
    const candidates = files.filter((f) => (!category || !f.result.category || f.result.category === category) && (!bySymbol || !symbol || (f.result.list ?? []).some((t) => t.symbol === symbol)))
    const cursor = request.query.get('cursor')
    if (!cursor) return candidates[0] ?? empty(category)
    // Bybit sends the cursor URL-encoded, to be put in the query string as it is: compare it decoded.
    const after = candidates.findIndex((f) => f.result.nextPageCursor !== undefined && decodeURIComponent(f.result.nextPageCursor) === cursor)
    return (after >= 0 ? candidates[after + 1] : undefined) ?? empty(category)
  }
}

/**
 * `files` maps an endpoint path (`/v5/position/list`) to its response file, or to several: position lists are then
 * chosen by category, risk limits by category and symbol.
 */
export async function startBybitReplay(files: Record<string, string | string[]>): Promise<ReplayServer> {
  const routes: Record<string, ReplayRoute> = {}
  for (const [endpoint, file] of Object.entries(files)) {
    const guard = endpoint.startsWith('/v5/market/') ? undefined : requireSignature
    const list = (Array.isArray(file) ? file : [file]).map((f) => V5ListSchema.parse(JSON.parse(readFileSync(f, 'utf8'))))
    if (endpoint === '/v5/position/list') routes[`GET ${endpoint}`] = { body: selectBy(list, false), guard }
    else if (endpoint === '/v5/market/risk-limit') routes[`GET ${endpoint}`] = { body: selectBy(list, true), guard }
    else routes[`GET ${endpoint}`] = { body: list[0], guard }
  }
  return startReplayServer({ routes })
}
