// A local server answering like Binance USDⓈ-M futures from a directory of response files (the demo account, or
// recorded/documented responses in tests). Private endpoints refuse requests without an API key and signature,
// with Binance's own error body.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { InvalidInput } from '../../../core/errors.js'
import { startReplayServer, type RecordedRequest, type ReplayRoute, type ReplayServer } from '../../../core/replay/http-replay-server.js'

export interface BinanceFixtureFiles {
  exchangeInfo: string
  account: string
  positionRisk: string
  leverageBracket: string
  /** Portfolio Margin Pro account (GET /sapi/v1/portfolio/account), when served. */
  portfolioAccount?: string
  /** The key's permissions (GET /sapi/v1/account/apiRestrictions): apiRestrictions.json in the directory, if there. */
  apiRestrictions?: string
}

/** Files named exchangeInfo.json, account.json, positionRisk.json, leverageBracket.json in `dir`, with overrides. */
export function fixtureFiles(dir: string, overrides: Partial<BinanceFixtureFiles> = {}): BinanceFixtureFiles {
  const files: BinanceFixtureFiles = {
    exchangeInfo: path.join(dir, 'exchangeInfo.json'),
    account: path.join(dir, 'account.json'),
    positionRisk: path.join(dir, 'positionRisk.json'),
    leverageBracket: path.join(dir, 'leverageBracket.json'),
    ...(existsSync(path.join(dir, 'apiRestrictions.json')) ? { apiRestrictions: path.join(dir, 'apiRestrictions.json') } : {}),
    ...overrides,
  }
  for (const [name, file] of Object.entries<string | undefined>({ ...files })) if (file && !existsSync(file)) throw new InvalidInput('fixtures', `Binance replay: ${name} file ${file} does not exist`)
  return files
}

// https://developers.binance.com/docs/derivatives/usds-margined-futures/error-code (-2015 REJECTED_MBX_KEY)
const requireSignedRequest = (request: RecordedRequest) =>
  request.headers['x-mbx-apikey'] && request.query.has('signature') && request.query.has('timestamp')
    ? null
    : { status: 401, body: { code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' } }

export function binanceRoutes(files: BinanceFixtureFiles): Record<string, ReplayRoute> {
  const signed = (file: string): ReplayRoute => ({ body: { file }, guard: requireSignedRequest })
  return {
    'GET /fapi/v1/ping': { body: {} },
    'GET /fapi/v1/time': { body: () => ({ serverTime: Date.now() }) },
    'GET /fapi/v1/exchangeInfo': { body: { file: files.exchangeInfo } },
    'GET /fapi/v2/account': signed(files.account),
    'GET /fapi/v3/account': signed(files.account),
    'GET /fapi/v2/positionRisk': signed(files.positionRisk),
    'GET /fapi/v3/positionRisk': signed(files.positionRisk),
    'GET /fapi/v1/leverageBracket': signed(files.leverageBracket),
    ...(files.portfolioAccount ? { 'GET /sapi/v1/portfolio/account': signed(files.portfolioAccount) } : {}),
    ...(files.apiRestrictions ? { 'GET /sapi/v1/account/apiRestrictions': signed(files.apiRestrictions) } : {}),
  }
}

/** COIN-M: account, positionRisk and leverageBracket files in `dir`, answered on the /dapi paths. */
export async function startBinanceCoinmReplay(dir: string): Promise<ReplayServer> {
  const signed = (file: string): ReplayRoute => ({ body: { file: path.join(dir, file) }, guard: requireSignedRequest })
  return startReplayServer({
    routes: {
      'GET /dapi/v1/account': signed('account.json'),
      'GET /dapi/v1/positionRisk': signed('positionRisk.json'),
      'GET /dapi/v2/leverageBracket': signed('leverageBracket.json'),
    },
  })
}

export async function startBinanceReplay(options: { fixtures: string; overrides?: Partial<BinanceFixtureFiles>; port?: number }): Promise<ReplayServer> {
  return startReplayServer({ routes: binanceRoutes(fixtureFiles(options.fixtures, options.overrides)), port: options.port })
}

/** Portfolio Margin (papi) files in `dir`, and the key-permission endpoint; `bodies` replaces a file's answer. */
export async function startBinancePmReplay(dir: string, bodies: Partial<Record<'balance' | 'apiRestrictions', unknown>> = {}): Promise<ReplayServer> {
  const signed = (file: string, body?: unknown): ReplayRoute => ({ body: body ?? { file: path.join(dir, file) }, guard: requireSignedRequest })
  return startReplayServer({
    routes: {
      'GET /papi/v1/account': signed('account.json'),
      'GET /papi/v1/balance': signed('balance.json', bodies.balance),
      'GET /papi/v1/um/positionRisk': signed('umPositionRisk.json'),
      'GET /papi/v1/cm/positionRisk': signed('cmPositionRisk.json'),
      'GET /papi/v1/um/leverageBracket': signed('umLeverageBracket.json'),
      'GET /papi/v1/cm/leverageBracket': signed('cmLeverageBracket.json'),
      'GET /sapi/v1/account/apiRestrictions': signed('apiRestrictions.read-only.json', bodies.apiRestrictions),
    },
  })
}
