// A local server answering like GMX's public API for one chain (GET /markets, /tokens, /prices/tickers) from
// response files: in tests the recorded Arbitrum answers in ../shared/data/venue-responses/gmx-v2/ (SOURCES.md).
import { startReplayServer, type ReplayServer } from '../../../core/replay/http-replay-server.js'

export interface GmxApiFiles {
  markets: string
  tokens: string
  tickers: string
}

export async function startGmxApiReplay(files: GmxApiFiles): Promise<ReplayServer> {
  return startReplayServer({
    routes: {
      'GET /markets': { body: { file: files.markets } },
      'GET /tokens': { body: { file: files.tokens } },
      'GET /prices/tickers': { body: { file: files.tickers } },
    },
  })
}
