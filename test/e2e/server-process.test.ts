// End to end: crossmargin started as its own process from a config file, indexing a real Aave v3 market on a
// local chain and a Binance replay server, answering GraphQL over HTTP; and refusing a bad config at start.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import net from 'node:net'
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import { expect } from '../support/expect.js'
import { startAnvil, type LocalChain } from '../../venues/aave-v3/local/anvil.js'
import { deployAaveMarket } from '../../venues/aave-v3/local/deploy-market.js'
import { startBinanceReplay } from '../../venues/binance/local/replay.js'
import { startReplayServer, type ReplayServer } from '../../core/replay/http-replay-server.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function run(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // One process, as the Docker image runs it (node with tsx's loader): the tsx launcher would stand between the test
  // and the server, relaying signals and reporting a handled SIGTERM as its own 143.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'start.ts'), ...args], { cwd: root, env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, output: () => output, exited }
}

describe('crossmargin as a process', () => {
  let chain: LocalChain
  let binance: ReplayServer
  /** Binance spot's klines, for the daily history: no candle after the shared history's last day. */
  let spot: ReplayServer
  let dir: string
  let server: ReturnType<typeof run> | null = null

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'crossmargin-e2e-'))
    chain = await startAnvil()
    const market = await deployAaveMarket(chain.rpcUrl)
    await market.setAssetPriceUsd('WETH', '3000')
    await market.fundAndSupply(market.wallets[1]!, 'WETH', '2')
    await market.borrow(market.wallets[1]!, 'USDC', '1000')
    binance = await startBinanceReplay({ fixtures: path.join(root, 'venues', 'binance', 'local', 'demo-account') })
    spot = await startReplayServer({ routes: { 'GET /api/v3/klines': { body: [] } } })
    const port = await freePort()
    writeFileSync(
      path.join(dir, 'crossmargin.yaml'),
      [
        `server: { host: 127.0.0.1, port: ${port} }`,
        `dataDir: ${JSON.stringify(path.join(dir, 'data'))}`,
        'indexer: { intervalSeconds: 3600, timeoutMs: 10000 }',
        'portfolios:',
        '  - name: E2E fund',
        '    accounts:',
        '      - venue: aave-v3',
        '        label: aave',
        `        config: { rpcUrl: "${chain.rpcUrl}", poolAddressesProvider: "${market.addresses.poolAddressesProvider}", user: "${market.wallets[1]}" }`,
        '      - venue: binance',
        '        label: binance',
        '        config: { market: usdm, apiKeyEnv: E2E_BINANCE_KEY, secretEnv: E2E_BINANCE_SECRET }',
      ].join('\n'),
    )
    // The binance URL override for a config-file run comes from the environment, as a self-hosted proxy would.
    server = run(['--config', path.join(dir, 'crossmargin.yaml')], { E2E_BINANCE_KEY: 'e2e-key', E2E_BINANCE_SECRET: 'e2e-secret', CROSSMARGIN_BINANCE_URL: binance.url, CROSSMARGIN_PRICE_HISTORY_URL: spot.url })
    // Start-up stores the shared price history in a fresh PGlite first: over a minute when the machine is busy, so the
    // wait is long and a start that never finishes fails here, with what the server printed.
    const deadline = Date.now() + 200_000
    while (!server.output().includes('/graphql') && Date.now() < deadline) {
      if (server.child.exitCode !== null) throw new Error(`server exited: ${server.output()}`)
      await new Promise((r) => setTimeout(r, 200))
    }
    if (!server.output().includes('/graphql')) throw new Error(`server printed no GraphQL URL within 200 s: ${server.output()}`)
  }, 240_000)
  afterAll(async () => {
    server?.child.kill('SIGTERM')
    await server?.exited
    await binance?.close()
    await spot?.close()
    await chain?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  test('prints the GraphQL URL, indexes both venues and answers the portfolio over HTTP', async () => {
    const url = /(http:\/\/\S+\/graphql)/.exec(server!.output())![1]!
    type Answer = { data: { portfolios: { name: string; accounts: { venue: string; status: string }[]; exposures: { asset: string; netUnits: string }[] }[] } }
    let answer: Answer | null = null
    const deadline = Date.now() + 30_000
    while (Date.now() < deadline) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ portfolios { name accounts { venue status } exposures { asset netUnits } } }' }) })
      answer = (await response.json()) as Answer
      if (answer.data.portfolios[0]?.accounts.every((a) => a.status === 'OK')) break
      await new Promise((r) => setTimeout(r, 300))
    }
    const [portfolio] = answer!.data.portfolios
    expect(portfolio!.name).toBe('E2E fund')
    expect(portfolio!.accounts).toEqual([
      { venue: 'aave-v3', status: 'OK' },
      { venue: 'binance', status: 'OK' },
    ])
    // 2 WETH on Aave against a 1.5 ETH short on Binance.
    expect(portfolio!.exposures.find((e) => e.asset === 'ETH')!.netUnits).toBe('0.5')
    const page = await fetch(url, { headers: { accept: 'text/html' } })
    expect(await page.text()).toContain('<div id="root"></div>')
  })

  test('keeps the daily history current: asks Binance spot for each held and default asset from the day after the last stored', async () => {
    // The shared history (stored at start) ends on 2025-12-31; ETH is held (Aave's WETH, Binance's ETHUSDT).
    const asked = async () => new Map(spot.requests.map((r) => [r.query.get('symbol'), new Date(Number(r.query.get('startTime'))).toISOString().slice(0, 10)]))
    const deadline = Date.now() + 30_000
    while ((await asked()).size < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
    const requests = await asked()
    for (const symbol of ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT', 'DOGEUSDT', 'AVAXUSDT', 'LINKUSDT']) expect(requests.get(symbol), symbol).toBe('2026-01-01')
  })

  test.each([
    ['an unknown key', 'portfolios:\n  - name: X\n    acounts: []\n', /crossmargin\.yaml: portfolios\[0\]\.acounts: unknown key/],
    ['a bad venue setting', 'portfolios:\n  - name: X\n    accounts:\n      - venue: aave-v3\n        label: a\n        config: { rpcUrl: "http://127.0.0.1:1", poolAddressesProvider: "0x12", user: "0x0000000000000000000000000000000000000001" }\n', /crossmargin\.yaml: portfolios\[0\]\.accounts\[0\]\.config\.poolAddressesProvider/],
    ['an unknown venue', 'portfolios:\n  - name: X\n    accounts:\n      - { venue: nosuchvenue, label: a }\n', /portfolios\[0\]\.accounts\[0\]\.venue: unknown venue "nosuchvenue"/],
  ])('a config with %s stops the start with a message naming file and key, exit code 1', async (_what, yaml, message) => {
    const badDir = mkdtempSync(path.join(tmpdir(), 'crossmargin-badconfig-'))
    writeFileSync(path.join(badDir, 'crossmargin.yaml'), yaml)
    const bad = run(['--config', path.join(badDir, 'crossmargin.yaml')], {})
    const code = await bad.exited
    rmSync(badDir, { recursive: true, force: true })
    expect(code).toBe(1)
    expect(bad.output()).toMatch(message)
    expect(bad.output()).not.toMatch(/\n\s+at /)
  })
})

describe('crossmargin stops on SIGTERM', () => {
  test('with no accounts configured, SIGTERM stops it cleanly (exit 0) instead of hanging after "stopping the API"', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crossmargin-sigterm-'))
    try {
      const port = await freePort()
      writeFileSync(path.join(dir, 'crossmargin.yaml'), [`server: { host: 127.0.0.1, port: ${port} }`, `dataDir: ${JSON.stringify(path.join(dir, 'data'))}`, 'marketData: { dailyHistory: null }', 'portfolios: []'].join('\n'))
      const server = run(['--config', path.join(dir, 'crossmargin.yaml')], { CROSSMARGIN_PRICES_DIR: path.join(dir, 'no-prices') })
      const deadline = Date.now() + 90_000
      while (!server.output().includes('/graphql') && Date.now() < deadline) {
        if (server.child.exitCode !== null) throw new Error(`server exited: ${server.output()}`)
        await new Promise((r) => setTimeout(r, 200))
      }
      server.child.kill('SIGTERM')
      // A hang is forever; 30 s leaves a loaded machine room (the stop itself takes well under a second).
      const code = await Promise.race([server.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))])
      if (code === 'hung') server.child.kill('SIGKILL')
      expect(code).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
