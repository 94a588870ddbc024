// How the Aave v3 connector meets a broken JSON-RPC endpoint: a tiny local HTTP server answers the first calls
// like a node and then misbehaves. Every failure must become the right error kind, quickly, naming the venue and
// the step, and never carrying the RPC URL (hosted RPC URLs hold API keys).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import { expect } from '../../test/support/expect.js'
import { silentLogger } from '../../core/logger.js'
import { aaveV3Connector } from './connector.js'
import { aaveV3Descriptor } from './descriptor.js'
import { verifyAccount } from '../../indexer/verify-account.js'

type Fault = 'http-500' | 'http-401' | 'http-429' | 'malformed-json' | 'html' | 'hang' | 'rpc-error' | 'revert'

interface RpcRequest {
  id: number
  method: string
}

/** Answers eth_chainId / eth_getBlockByNumber like a node (so the connector gets past pinning a block), then `fault`. */
function startBrokenRpc() {
  let fault: Fault = 'http-500'
  let faultEthCallOnly = false
  const open = new Set<http.ServerResponse>()
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      const parsed = JSON.parse(body) as RpcRequest | RpcRequest[]
      const requests = Array.isArray(parsed) ? parsed : [parsed]
      const healthy = faultEthCallOnly && requests.every((r) => r.method !== 'eth_call')
      if (!healthy) {
        switch (fault) {
          case 'hang':
            open.add(res)
            return
          case 'http-500':
            return res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error')
          case 'http-401':
            return res.writeHead(401, { 'content-type': 'text/plain' }).end('invalid api key')
          case 'http-429':
            return res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '3' }).end('too many requests')
          case 'malformed-json':
            return res.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":1,"result":')
          case 'html':
            return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>')
          default:
            break
        }
      }
      const answer = (r: RpcRequest) => {
        if (r.method === 'eth_chainId') return { jsonrpc: '2.0', id: r.id, result: '0x1' }
        if (r.method === 'eth_getBlockByNumber') return { jsonrpc: '2.0', id: r.id, result: block }
        // Some bytecode at every address, so an account check gets as far as asking the provider for its pool.
        if (r.method === 'eth_getCode') return { jsonrpc: '2.0', id: r.id, result: '0x6080' }
        if (fault === 'revert') return { jsonrpc: '2.0', id: r.id, error: { code: 3, message: 'execution reverted', data: '0x' } }
        // What a load-balanced node says when asked about a block its peer has not seen yet.
        return { jsonrpc: '2.0', id: r.id, error: { code: -32000, message: 'header not found' } }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(Array.isArray(parsed) ? requests.map(answer) : answer(requests[0]!)))
    })
  })
  return {
    server,
    set(next: Fault, ethCallOnly = false) {
      fault = next
      faultEthCallOnly = ethCallOnly
    },
    close() {
      for (const res of open) res.destroy()
      server.closeAllConnections()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

const zeroHash = `0x${'0'.repeat(64)}`
const block = {
  number: '0x10', hash: `0x${'ab'.repeat(32)}`, parentHash: zeroHash, timestamp: '0x6553f100', nonce: '0x0000000000000000', difficulty: '0x0',
  gasLimit: '0x1c9c380', gasUsed: '0x0', miner: `0x${'00'.repeat(20)}`, extraData: '0x', baseFeePerGas: '0x1', transactions: [],
  stateRoot: zeroHash, receiptsRoot: zeroHash, logsBloom: `0x${'0'.repeat(512)}`, sha3Uncles: zeroHash, transactionsRoot: zeroHash, mixHash: zeroHash,
}

const SECRET = 'secret-key-123'
const TIMEOUT_MS = 500
let rpc: ReturnType<typeof startBrokenRpc>
let url: string

beforeAll(async () => {
  rpc = startBrokenRpc()
  await new Promise<void>((resolve) => rpc.server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(rpc.server.address() as AddressInfo).port}/v3/${SECRET}`
})
afterAll(async () => rpc.close())

async function fetchWith(rpcUrl: string, signal: AbortSignal = AbortSignal.timeout(10_000), timeoutMs = TIMEOUT_MS) {
  // Plain eth_calls (no Multicall3 probe), so each fault meets the read it is about.
  const config = aaveV3Descriptor.configSchema.parse({ rpcUrl, poolAddressesProvider: `0x${'12'.repeat(20)}`, user: `0x${'ab'.repeat(20)}`, multicall3: false })
  const client = aaveV3Connector.createClient(config, { secret: () => undefined, timeoutMs, logger: silentLogger() })
  const started = Date.now()
  try {
    // The wall clock just after the fixture block, so the block is fresh and each test meets its own fault.
    const now = () => new Date((Number(block.timestamp) + 10) * 1000)
    const error = await aaveV3Connector.fetchAccount(client, config, { signal, logger: silentLogger(), now }).then(
      () => null,
      (e: unknown) => e as Error & { code: string; retryAfterMs?: number | null },
    )
    expect(error, 'the fetch should have failed').not.toBeNull()
    expect(error!.message).not.toContain(SECRET)
    expect(error!.message).not.toContain('127.0.0.1')
    expect(error!.message).toMatch(/^aave-v3: /)
    return { error: error!, ms: Date.now() - started }
  } finally {
    await aaveV3Connector.closeClient!(client)
  }
}

describe('Aave v3 connector against a broken RPC', () => {
  test('HTTP 500 is VenueUnavailable naming the status and the step', async () => {
    rpc.set('http-500')
    const { error, ms } = await fetchWith(url)
    expect(error).toMatchObject({ name: 'VenueUnavailable', code: 'VENUE_UNAVAILABLE', message: 'aave-v3: RPC answered HTTP 500 during reading the latest block' })
    expect(ms).toBeLessThan(1_000)
  })

  test('malformed JSON is VenueUnavailable', async () => {
    rpc.set('malformed-json')
    const { error, ms } = await fetchWith(url)
    expect(error).toMatchObject({ code: 'VENUE_UNAVAILABLE', message: expect.stringMatching(/malformed \(non-JSON\) answer during reading the latest block/) })
    expect(ms).toBeLessThan(1_000)
  })

  test('an HTML error page with status 200 (a proxy in front of the node) is VenueUnavailable', async () => {
    rpc.set('html')
    expect((await fetchWith(url)).error).toMatchObject({ code: 'VENUE_UNAVAILABLE', message: expect.stringMatching(/malformed/) })
  })

  test('a node hanging past the timeout is VenueUnavailable soon after the timeout', async () => {
    rpc.set('hang')
    const { error, ms } = await fetchWith(url)
    expect(error).toMatchObject({ code: 'VENUE_UNAVAILABLE', message: 'aave-v3: RPC timed out during reading the latest block' })
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50)
    expect(ms).toBeLessThan(TIMEOUT_MS + 1_000)
  })

  test('a fetch aborted by its caller stops waiting at once, even with a long RPC timeout', async () => {
    rpc.set('hang')
    const { error, ms } = await fetchWith(url, AbortSignal.timeout(200), 30_000)
    expect(error).toMatchObject({ code: 'VENUE_UNAVAILABLE', message: 'aave-v3: fetch aborted during reading the latest block' })
    expect(ms).toBeLessThan(1_000)
  })

  test('nothing listening is VenueUnavailable naming the connection error', async () => {
    const { error } = await fetchWith(`http://127.0.0.1:1/v3/${SECRET}`)
    expect(error).toMatchObject({ code: 'VENUE_UNAVAILABLE', message: 'aave-v3: could not reach the RPC (ECONNREFUSED) during reading the latest block' })
  })

  test('HTTP 401 (a bad key in the RPC URL) is Unauthorized, not retried forever', async () => {
    rpc.set('http-401')
    expect((await fetchWith(url)).error).toMatchObject({ code: 'UNAUTHORIZED', message: expect.stringMatching(/HTTP 401/) })
  })

  test('HTTP 429 is VenueUnavailable at once, carrying the Retry-After the node asked for', async () => {
    rpc.set('http-429')
    const { error, ms } = await fetchWith(url)
    expect(error).toMatchObject({ code: 'VENUE_UNAVAILABLE', message: 'aave-v3: RPC answered HTTP 429 (rate limited) during reading the latest block', retryAfterMs: 3_000 })
    expect(ms).toBeLessThan(TIMEOUT_MS)
  })

  test('a node error on eth_call ("header not found") is the node’s trouble: VenueUnavailable', async () => {
    rpc.set('rpc-error', true)
    expect((await fetchWith(url)).error).toMatchObject({ code: 'VENUE_UNAVAILABLE', message: 'aave-v3: RPC error during reading the market addresses from the PoolAddressesProvider: header not found' })
  })

  test('a contract revert is VenueRejected: retrying will not help', async () => {
    rpc.set('revert', true)
    expect((await fetchWith(url)).error).toMatchObject({ code: 'VENUE_REJECTED', message: expect.stringMatching(/reading the market addresses from the PoolAddressesProvider reverted/) })
  })
})

describe('Aave v3 account check against a broken RPC', () => {
  const config = aaveV3Descriptor.configSchema.parse({ rpcUrl: 'http://replaced', poolAddressesProvider: `0x${'12'.repeat(20)}`, user: `0x${'ab'.repeat(20)}`, chainId: 1 })
  const env = () => ({ secret: () => undefined, timeoutMs: TIMEOUT_MS, urlOverrides: { 'aave-v3': url }, logger: silentLogger() })

  async function verifyWith(fault: Fault) {
    rpc.set(fault, true)
    const client = aaveV3Connector.createClient(config, env())
    try {
      return await aaveV3Connector.verifyAccount!(client, config, { signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() }).then(
        () => null,
        (e: unknown) => e,
      )
    } finally {
      await aaveV3Connector.closeClient!(client)
    }
  }

  test.each([
    ['a node hanging past the timeout', 'hang', /aave-v3: RPC timed out during asking the PoolAddressesProvider for its pool/],
    ['HTTP 500', 'http-500', /aave-v3: RPC answered HTTP 500 during asking the PoolAddressesProvider for its pool/],
    ['a node error ("header not found")', 'rpc-error', /aave-v3: RPC error during asking the PoolAddressesProvider for its pool: header not found/],
  ] as const)('%s on getPool is VenueUnavailable, not "not a PoolAddressesProvider"', async (_name, fault, message) => {
    expect(await verifyWith(fault)).toMatchObject({ code: 'VENUE_UNAVAILABLE', message: expect.stringMatching(message) })
  })

  test('a revert is the chain’s definite answer: refused naming poolAddressesProvider', async () => {
    expect(await verifyWith('revert')).toMatchObject({ code: 'INVALID_INPUT', field: 'poolAddressesProvider', message: expect.stringMatching(/not an Aave v3 PoolAddressesProvider/) })
  })

  test('an account whose node times out is stored unverified, with a warning, not refused', async () => {
    rpc.set('hang', true)
    const deps = { venues: { 'aave-v3': aaveV3Connector }, clientEnv: env(), timeoutMs: 5_000, logger: silentLogger() }
    const result = await verifyAccount(deps, { venue: 'aave-v3', label: 'aave', config })
    expect(result.warnings).toEqual([expect.stringMatching(/^not verified with aave-v3: aave-v3: RPC timed out/)])
  })
})
