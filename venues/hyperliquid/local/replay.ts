// A local server answering Hyperliquid's POST /info from response files, by the request's `type`.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { startReplayServer, type RecordedRequest, type ReplayServer } from '../../../core/replay/http-replay-server.js'

/** Hyperliquid's documented spotClearinghouseState example (testdata/README.md), for accounts tests do not vary. */
export const spotDocsExample = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'testdata', 'spotClearinghouseState.docs-example.json')

/** An info request names its answer by `type`. */
const InfoRequestSchema = z.looseObject({ type: z.string().optional() })

export async function startHyperliquidReplay(files: Record<string, string>): Promise<ReplayServer> {
  const bodies = Object.fromEntries(Object.entries(files).map(([type, file]) => [type, z.unknown().parse(JSON.parse(readFileSync(file, 'utf8')))]))
  return startReplayServer({
    routes: {
      'POST /info': {
        body: (request: RecordedRequest) => {
          const type = InfoRequestSchema.parse(JSON.parse(request.body || '{}')).type ?? ''
          return bodies[type] ?? { error: `no replayed answer for info type ${type}` }
        },
      },
    },
  })
}
