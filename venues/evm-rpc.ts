// JSON-RPC plumbing shared by the chain venues read through ethers (GMX v2, Compound v3): a provider that fails fast,
// ethers' failures turned into the error vocabulary (naming the venue and the step, never the RPC URL, which often
// holds an API key), the latest block checked for lag, and contract answers made JSON-safe.
import { FetchRequest, JsonRpcProvider, Network, Result, isError } from 'ethers'
import { z } from 'zod'
import { Unauthorized, VenueRejected, VenueUnavailable, isCrossmarginError } from '../core/errors.js'
import type { FetchContext } from './types.js'

export function createEvmProvider(url: string, chainId: number, timeoutMs: number): JsonRpcProvider {
  const request = new FetchRequest(url)
  request.timeout = timeoutMs
  // A 429 comes back at once instead of being retried inside one fetch: the indexer's backoff decides when to come
  // back, with the delay the node asked for.
  request.retryFunc = async () => false
  // A static network: a dynamic one makes ethers retry network detection forever against a dead RPC. The chain the
  // node really serves is checked against the config by each connector.
  return new JsonRpcProvider(request, Network.from(chainId), { staticNetwork: true, batchMaxCount: 100, cacheTimeout: -1 })
}

/** What a node's JSON-RPC error carries in a call exception's `info` (typed `any` by ethers). */
const RpcErrorInfoSchema = z.looseObject({ error: z.looseObject({ message: z.string().optional() }).optional() })

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET'])

export interface EvmRpcErrors {
  venue: string
  /** What ethers reported, as the vocabulary: node trouble is retryable, a contract's refusal or nonsense is not. */
  mapError: (error: unknown, what: string) => Error
  /** Runs one round of reads, mapped to the vocabulary, and stops waiting the moment the fetch is aborted. */
  round: <T>(what: string, signal: AbortSignal, work: () => Promise<T>) => Promise<T>
}

/**
 * The error mapping of one venue. `contractHint` ends the message when an answer cannot be decoded (no contract, or
 * not the venue's contract, at a configured address), e.g. "is comet a Compound v3 market on this chain?".
 */
export function evmRpcErrors(venue: string, contractHint: string): EvmRpcErrors {
  function mapError(error: unknown, what: string): Error {
    if (isCrossmarginError(error)) return error
    if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return new VenueUnavailable(`${venue}: fetch aborted during ${what}`)
    if (isError(error, 'CALL_EXCEPTION')) {
      const rpcError = RpcErrorInfoSchema.safeParse(error.info).data?.error
      // ethers calls any eth_call error a call exception; only revert data (or a message saying revert) is the
      // contract refusing. "header not found", rate limits and the like are the node's trouble.
      if (error.data === null && rpcError && !/revert/i.test(rpcError.message ?? '')) {
        return new VenueUnavailable(`${venue}: RPC error during ${what}: ${String(rpcError.message ?? 'unknown').slice(0, 120)}`)
      }
      const revert = error.revert ? ` (${error.revert.name}(${error.revert.args.join(', ')}))` : ''
      return new VenueRejected(`${venue}: ${what} reverted${revert}`)
    }
    if (isError(error, 'BAD_DATA')) {
      const empty = error.value === '0x'
      return new VenueRejected(`${venue}: ${what}: ${empty ? 'no contract answered' : 'the answer could not be decoded'}; ${contractHint}`)
    }
    if (isError(error, 'TIMEOUT')) return new VenueUnavailable(`${venue}: RPC timed out during ${what}`)
    if (isError(error, 'SERVER_ERROR')) {
      const response = error.response
      const status = response?.statusCode
      if (status === 401 || status === 403) return new Unauthorized(`${venue}: RPC refused the request (HTTP ${status}) during ${what}; check the RPC URL's API key`)
      if (status === 429) {
        const seconds = Number(response?.headers?.['retry-after'])
        return new VenueUnavailable(`${venue}: RPC answered HTTP 429 (rate limited) during ${what}`, Number.isFinite(seconds) && seconds > 0 ? seconds * 1_000 : 1_000)
      }
      return new VenueUnavailable(`${venue}: RPC ${status ? `answered HTTP ${status}` : 'failed'} during ${what}`)
    }
    if (isError(error, 'UNSUPPORTED_OPERATION') && error.operation === 'bodyJson') {
      return new VenueUnavailable(`${venue}: RPC sent a malformed (non-JSON) answer during ${what}`)
    }
    if (error instanceof SyntaxError) return new VenueUnavailable(`${venue}: RPC sent a malformed answer during ${what}`)
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return new VenueUnavailable(`${venue}: could not reach the RPC (${code}) during ${what}`)
    const message = isError(error, 'UNKNOWN_ERROR') ? error.shortMessage : error instanceof Error ? error.message : String(error)
    return new VenueUnavailable(`${venue}: RPC failure during ${what}: ${message.replace(/\b\w+:\/\/\S+/g, '<rpc>').slice(0, 200)}`)
  }

  async function round<T>(what: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    let onAbort: (() => void) | undefined
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new VenueUnavailable(`${venue}: fetch aborted during ${what}`))
      signal.addEventListener('abort', onAbort, { once: true })
    })
    try {
      signal.throwIfAborted()
      return await Promise.race([work(), aborted])
    } catch (error) {
      throw mapError(error, what)
    } finally {
      signal.removeEventListener('abort', onAbort!)
    }
  }

  return { venue, mapError, round }
}

export interface ChainHead {
  blockNumber: number
  /** Unix seconds. */
  blockTimestamp: number
  /** The chain the RPC says it serves (eth_chainId). */
  chainId: number
}

/** The latest block and the chain id in one round: every later read of a fetch is pinned to this block. */
export async function readChainHead(rpc: EvmRpcErrors, provider: JsonRpcProvider, signal: AbortSignal): Promise<ChainHead> {
  const head = await rpc.round('reading the latest block', signal, async () => {
    const chainIdAnswer: Promise<unknown> = provider.send('eth_chainId', [])
    const [block, chainId] = await Promise.all([provider.getBlock('latest'), chainIdAnswer])
    return { block, chainId: Number(chainId) }
  })
  if (!head.block) throw new VenueUnavailable(`${rpc.venue}: RPC returned no latest block`)
  return { blockNumber: head.block.number, blockTimestamp: head.block.timestamp, chainId: head.chainId }
}

/**
 * A latest block older than `maxBlockAgeSeconds` by the fetch's clock means the node lags behind the chain: its
 * answer is refused (retryable) rather than stored as the account's current state.
 */
export function assertFreshHead(venue: string, head: ChainHead, ctx: Pick<FetchContext, 'now'>, maxBlockAgeSeconds: number): void {
  const ageSeconds = Math.floor(ctx.now().getTime() / 1000) - head.blockTimestamp
  if (ageSeconds > maxBlockAgeSeconds) {
    throw new VenueUnavailable(`${venue}: the RPC's latest block ${head.blockNumber} is ${ageSeconds} s old (maxBlockAgeSeconds ${maxBlockAgeSeconds}); the node is behind`)
  }
}

/** Contract answers as JSON-safe data: ethers Results become objects (named) or arrays, bigints decimal strings. */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Result) {
    // A tuple has names, an array of tuples has none (ethers refuses toObject there): one level at a time.
    let named: Record<string, unknown> | null = null
    try {
      named = value.toObject()
    } catch {
      named = null
    }
    return named && Object.keys(named).some((k) => !/^_?\d+$/.test(k)) ? plain(named) : [...value].map(plain)
  }
  if (Array.isArray(value)) return value.map(plain)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  return value
}
