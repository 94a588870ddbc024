// A local JSON-RPC node for tests and the end-to-end run: it answers eth_chainId, eth_blockNumber,
// eth_getBlockByNumber, eth_getCode and eth_call as an Arbitrum node holding GMX v2's Reader and DataStore would,
// from a state (state.ts). Calls are decoded and answers ABI-encoded with ethers' AbiCoder through the real Reader ABI
// (../abi.ts), so the connector decodes them exactly as it decodes mainnet's. Binds 127.0.0.1 only.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { AbiCoder, Interface, ZeroAddress, type Result } from 'ethers'
import { DATA_STORE_ABI, READER_ABI } from '../abi.js'
import { solidityBaseKey, solidityMarketKey } from './datastore-keys.js'
import { localPositionKey, positionInfo, positionProps, type MarketPrices } from './reader-answers.js'
import type { LocalGmxState } from './state.js'

interface RpcRequest {
  jsonrpc: '2.0'
  id: number | string
  method: string
  params?: unknown[]
}

class Revert extends Error {
  constructor(readonly data: string) {
    super('execution reverted')
  }
}

export interface LocalGmxRpc {
  url: string
  /** Every JSON-RPC method called, in order (batches flattened). */
  calls: { method: string; to?: string; fn?: string }[]
  /** The latest block's age: its timestamp is the request time less this. */
  setBlockAgeSeconds(seconds: number): void
  /** Answers eth_chainId with another chain (a URL pointing at the wrong network). */
  setChainId(chainId: number): void
  /** Removes (null) or restores a contract's code at an address. */
  setCode(address: string, code: string | null): void
  close(): Promise<void>
}

const coder = AbiCoder.defaultAbiCoder()
const reader = new Interface(READER_ABI)
const dataStore = new Interface(DATA_STORE_ABI)
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
const hex = (n: number | bigint) => `0x${n.toString(16)}`
const zeroHash = `0x${'0'.repeat(64)}`
/** Stand-in bytecode: eth_getCode only has to show that a contract is there. */
const CONTRACT_CODE = '0x6080604052348015600f57600080fd5b50'

function dataStoreValues(state: LocalGmxState): Map<string, bigint> {
  const values = new Map<string, bigint>([[solidityBaseKey('MIN_COLLATERAL_USD'), state.minCollateralUsd]])
  for (const [market, params] of Object.entries(state.marketParams)) {
    values.set(solidityMarketKey('MIN_COLLATERAL_FACTOR', market), params.minCollateralFactor)
    values.set(solidityMarketKey('MIN_COLLATERAL_FACTOR_FOR_LIQUIDATION', market), params.minCollateralFactorForLiquidation)
    values.set(solidityMarketKey('MAX_POSITION_IMPACT_FACTOR_FOR_LIQUIDATIONS', market), params.maxPositionImpactFactorForLiquidations)
  }
  return values
}

function toPrices(r: Result): MarketPrices {
  const price = (p: Result) => ({ min: p.min as bigint, max: p.max as bigint })
  return { indexTokenPrice: price(r.indexTokenPrice as Result), longTokenPrice: price(r.longTokenPrice as Result), shortTokenPrice: price(r.shortTokenPrice as Result) }
}

/** The Reader's functions over the state; each answer ABI-encoded as the function's outputs. */
function callReader(state: LocalGmxState, data: string): string {
  const call = reader.parseTransaction({ data })
  if (!call) throw new Revert('0x')
  const fn = reader.getFunction(call.name)!
  const encode = (value: unknown) => coder.encode(fn.outputs, [value])
  const args = call.args
  // The real Reader reads the DataStore it is given; another address has none of its functions and reverts.
  if (!same(args[0] as string, state.dataStore)) throw new Revert('0x')
  const marketOf = (address: string) => state.markets.find((m) => same(m.marketToken, address))
  const accountPositions = (account: string, start: bigint, end: bigint) => state.positions.filter((p) => same(p.account, account)).slice(Number(start), Number(end))
  switch (call.name) {
    case 'getMarket': {
      const market = marketOf(args[1] as string)
      return encode(market ?? { marketToken: ZeroAddress, indexToken: ZeroAddress, longToken: ZeroAddress, shortToken: ZeroAddress })
    }
    case 'getAccountPositions':
      return encode(accountPositions(args[1] as string, args[2] as bigint, args[3] as bigint).map(positionProps))
    case 'getAccountPositionInfoList': {
      const [, , account, markets, marketPrices, , start, end] = args as unknown as [string, string, string, string[], Result[], string, bigint, bigint]
      return encode(
        accountPositions(account, start, end).map((p) => {
          const i = markets.findIndex((m) => same(m, p.market))
          // ReaderPositionUtils._getMarketPricesByAddress.
          if (i < 0) throw new Revert(reader.encodeErrorResult('EmptyMarketPrice', [p.market]))
          return positionInfo(p, marketOf(p.market)!, toPrices(marketPrices[i]!))
        }),
      )
    }
    case 'getPositionInfoList': {
      const [, , keys, prices] = args as unknown as [string, string, string[], Result[]]
      return encode(
        keys.map((key, i) => {
          const p = state.positions.find((q) => localPositionKey(q) === key)
          if (!p) throw new Revert(new Interface(['error EmptyPosition()']).encodeErrorResult('EmptyPosition', []))
          return positionInfo(p, marketOf(p.market)!, toPrices(prices[i]!))
        }),
      )
    }
    default:
      throw new Revert('0x')
  }
}

export async function startLocalGmxRpc(state: LocalGmxState): Promise<LocalGmxRpc> {
  let blockAgeSeconds = 2
  let chainId = state.chainId
  const code = new Map<string, string>([state.reader, state.dataStore, state.referralStorage].map((a) => [a.toLowerCase(), CONTRACT_CODE]))
  const values = dataStoreValues(state)
  const calls: LocalGmxRpc['calls'] = []

  const block = () => ({
    number: hex(state.blockNumber), hash: `0x${'ab'.repeat(32)}`, parentHash: zeroHash, timestamp: hex(Math.floor(Date.now() / 1000) - blockAgeSeconds),
    nonce: '0x0000000000000000', difficulty: '0x1', gasLimit: '0x4000000000000', gasUsed: '0x0', miner: ZeroAddress, extraData: '0x', baseFeePerGas: '0x989680',
    transactions: [], stateRoot: zeroHash, receiptsRoot: zeroHash, logsBloom: `0x${'0'.repeat(512)}`, sha3Uncles: zeroHash, transactionsRoot: zeroHash, mixHash: zeroHash,
  })

  function ethCall(params: unknown[]): string {
    const { to, data } = params[0] as { to: string; data: string }
    const target = to.toLowerCase()
    if (!code.has(target)) return '0x'
    if (same(target, state.reader)) return callReader(state, data)
    if (same(target, state.dataStore)) {
      const call = dataStore.parseTransaction({ data })
      if (!call) throw new Revert('0x')
      return coder.encode(['uint256'], [values.get((call.args[0] as string).toLowerCase()) ?? 0n])
    }
    throw new Revert('0x')
  }

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
          return reply(hex(state.blockNumber))
        case 'eth_getBlockByNumber':
          calls.push({ method: request.method })
          return reply(block())
        case 'eth_getCode':
          calls.push({ method: request.method, to: String(params[0]) })
          return reply(code.get(String(params[0]).toLowerCase()) ?? '0x')
        case 'eth_call': {
          const { to, data } = params[0] as { to: string; data: string }
          const fn = same(to, state.reader) ? reader.parseTransaction({ data })?.name : same(to, state.dataStore) ? 'getUint' : undefined
          calls.push({ method: request.method, to, fn })
          return reply(ethCall(params))
        }
        default:
          return { jsonrpc: '2.0', id: request.id, error: { code: -32601, message: `the method ${request.method} does not exist/is not available` } }
      }
    } catch (error) {
      if (error instanceof Revert) return { jsonrpc: '2.0', id: request.id, error: { code: 3, message: 'execution reverted', data: error.data } }
      return { jsonrpc: '2.0', id: request.id, error: { code: -32603, message: `local node error: ${(error as Error).message}` } }
    }
  }

  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      let parsed: RpcRequest | RpcRequest[]
      try {
        parsed = JSON.parse(body) as RpcRequest | RpcRequest[]
      } catch {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } }))
        return
      }
      const out = Array.isArray(parsed) ? parsed.map(answer) : answer(parsed)
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    setBlockAgeSeconds: (seconds) => void (blockAgeSeconds = seconds),
    setChainId: (id) => void (chainId = id),
    setCode(address, value) {
      if (value === null) code.delete(address.toLowerCase())
      else code.set(address.toLowerCase(), value)
    },
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}
