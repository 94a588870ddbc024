// A local server answering Hyperliquid's POST /info from response files, by the request's `type`.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startReplayServer, type RecordedRequest, type ReplayServer } from '../../../core/replay/http-replay-server.js'

/** Hyperliquid's documented spotClearinghouseState example (testdata/README.md), for accounts tests do not vary. */
export const spotDocsExample = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'testdata', 'spotClearinghouseState.docs-example.json')

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
