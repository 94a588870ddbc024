// A local server answering Hyperliquid's POST /info from response files, by the request's `type`.
import { readFileSync } from 'node:fs'
import { startReplayServer, type RecordedRequest, type ReplayServer } from '../../../core/replay/http-replay-server.js'

export async function startHyperliquidReplay(files: Record<string, string>): Promise<ReplayServer> {
  const bodies = Object.fromEntries(Object.entries(files).map(([type, file]) => [type, JSON.parse(readFileSync(file, 'utf8')) as unknown]))
  return startReplayServer({
    routes: {
      'POST /info': {
        body: (request: RecordedRequest) => {
          const type = (JSON.parse(request.body || '{}') as { type?: string }).type ?? ''
          return bodies[type] ?? { error: `no replayed answer for info type ${type}` }
        },
      },
    },
  })
}
