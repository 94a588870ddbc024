// A minimal local JSON-RPC node for tests, the demo and the end-to-end run of chain venues whose contracts are
// served from a state rather than deployed (GMX v2, Compound v3): it answers eth_chainId, eth_blockNumber,
// eth_getBlockByNumber and eth_getCode itself and hands eth_call to the venue's dispatcher, which decodes the call and
// ABI-encodes its answer through the real ABI. Batches are answered in order. Binds 127.0.0.1 only.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { ZeroAddress } from 'ethers'
import { z } from 'zod'

const RpcRequestSchema = z.looseObject({ jsonrpc: z.literal('2.0'), id: z.union([z.number(), z.string()]), method: z.string(), params: z.array(z.unknown()).optional() })
type RpcRequest = z.infer<typeof RpcRequestSchema>
/** A request or a batch of them. */
const RpcBodySchema = z.union([RpcRequestSchema, z.array(RpcRequestSchema)])
/** eth_call's transaction object: the fields a dispatcher reads. */
const EthCallSchema = z.looseObject({ to: z.string(), data: z.string() })

/** The TCP address a server listens on (never a pipe here). */
function boundAddress(server: http.Server): AddressInfo {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the local node is not listening on a TCP port')
  return address
}

/** Thrown by a dispatcher: the node answers with a JSON-RPC revert carrying `data` (an encoded custom error, or 0x). */
export class Revert extends Error {
  constructor(readonly data: string) {
    super('execution reverted')
  }
}

export interface EthCall {
  to: string
  data: string
  /** The block tag the caller pinned the call to ("latest" when it gave none). */
  blockTag: string
}

export interface LocalEvmNodeOptions {
  chainId: number
  blockNumber: number
  /** Addresses that hold a contract (eth_getCode answers a stand-in bytecode there). */
  contracts: string[]
  /** Answers one eth_call with the ABI-encoded result; throws `Revert` to revert. Returns '0x' where no code is. */
  call(call: EthCall): string
  /** Names the function a call is to, for the call log (tests count and inspect calls). */
  describeCall?(call: EthCall): string | undefined
}

export interface LocalEvmNode {
  url: string
  /** Every JSON-RPC method called, in order (batches flattened). */
  calls: { method: string; to?: string; fn?: string; blockTag?: string }[]
  /** The latest block's age: its timestamp is the request time less this. */
  setBlockAgeSeconds(seconds: number): void
  /** Answers eth_chainId with another chain (a URL pointing at the wrong network). */
  setChainId(chainId: number): void
  /** Removes (null) or restores a contract's code at an address. */
  setCode(address: string, code: string | null): void
  hasCode(address: string): boolean
  close(): Promise<void>
}

const hex = (n: number | bigint) => `0x${n.toString(16)}`
const zeroHash = `0x${'0'.repeat(64)}`
/** Stand-in bytecode: eth_getCode only has to show that a contract is there. */
export const STAND_IN_CODE = '0x6080604052348015600f57600080fd5b50'

export async function startLocalEvmNode(options: LocalEvmNodeOptions): Promise<LocalEvmNode> {
  let blockAgeSeconds = 2
  let chainId = options.chainId
  const code = new Map<string, string>(options.contracts.map((a) => [a.toLowerCase(), STAND_IN_CODE]))
  const calls: LocalEvmNode['calls'] = []

  const block = () => ({
    number: hex(options.blockNumber), hash: `0x${'ab'.repeat(32)}`, parentHash: zeroHash, timestamp: hex(Math.floor(Date.now() / 1000) - blockAgeSeconds),
    nonce: '0x0000000000000000', difficulty: '0x1', gasLimit: '0x4000000000000', gasUsed: '0x0', miner: ZeroAddress, extraData: '0x', baseFeePerGas: '0x989680',
    transactions: [], stateRoot: zeroHash, receiptsRoot: zeroHash, logsBloom: `0x${'0'.repeat(512)}`, sha3Uncles: zeroHash, transactionsRoot: zeroHash, mixHash: zeroHash,
  })

  // ethers sends block tags as strings ('latest', a hex number); anything else is recorded as its JSON.
  const blockTagOf = (value: unknown): string => (value == null ? 'latest' : typeof value === 'string' ? value : JSON.stringify(value))

  function answer(request: RpcRequest) {
    const reply = (result: unknown) => ({ jsonrpc: '2.0', id: request.id, result })
    const params = request.params ?? []
    try {
      switch (request.method) {
        case 'eth_chainId':
          calls.push({ method: request.method })
          return reply(hex(chainId))
        case 'eth_blockNumber':
          calls.push({ method: request.method })
          return reply(hex(options.blockNumber))
        case 'eth_getBlockByNumber':
          calls.push({ method: request.method, blockTag: String(params[0]) })
          return reply(block())
        case 'eth_getCode':
          calls.push({ method: request.method, to: String(params[0]), blockTag: blockTagOf(params[1]) })
          return reply(code.get(String(params[0]).toLowerCase()) ?? '0x')
        case 'eth_call': {
          const { to, data } = EthCallSchema.parse(params[0])
          const call: EthCall = { to, data, blockTag: blockTagOf(params[1]) }
          calls.push({ method: request.method, to, fn: options.describeCall?.(call), blockTag: call.blockTag })
          // A call to an address without code succeeds with no data, as on a real chain.
          if (!code.has(to.toLowerCase())) return reply('0x')
          return reply(options.call(call))
        }
        default:
          return { jsonrpc: '2.0', id: request.id, error: { code: -32601, message: `the method ${request.method} does not exist/is not available` } }
      }
    } catch (error) {
      if (error instanceof Revert) return { jsonrpc: '2.0', id: request.id, error: { code: 3, message: 'execution reverted', data: error.data } }
      return { jsonrpc: '2.0', id: request.id, error: { code: -32603, message: `local node error: ${error instanceof Error ? error.message : String(error)}` } }
    }
  }

  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      let parsed: RpcRequest | RpcRequest[]
      try {
        parsed = RpcBodySchema.parse(JSON.parse(body))
      } catch {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } }))
        return
      }
      const out = Array.isArray(parsed) ? parsed.map(answer) : answer(parsed)
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = boundAddress(server)
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    setBlockAgeSeconds: (seconds) => void (blockAgeSeconds = seconds),
    setChainId: (id) => void (chainId = id),
    setCode(address, value) {
      if (value === null) code.delete(address.toLowerCase())
      else code.set(address.toLowerCase(), value)
    },
    hasCode: (address) => code.has(address.toLowerCase()),
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
