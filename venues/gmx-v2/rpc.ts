// JSON-RPC plumbing for the GMX v2 connector: a provider that fails fast, ethers' failures turned into the error
// vocabulary (naming the step, never the RPC URL, which often holds an API key), and contract answers made JSON-safe.
import { FetchRequest, JsonRpcProvider, Network, Result, isError } from 'ethers'
import { Unauthorized, VenueRejected, VenueUnavailable, isCrossmarginError } from '../../core/errors.js'

const VENUE = 'gmx-v2'

export function createProvider(url: string, chainId: number, timeoutMs: number): JsonRpcProvider {
  const request = new FetchRequest(url)
  request.timeout = timeoutMs
  // A 429 comes back at once instead of being retried inside one fetch: the indexer's backoff decides when to come
  // back, with the delay the node asked for.
  request.retryFunc = async () => false
  // A static network: a dynamic one makes ethers retry network detection forever against a dead RPC. The chain the
  // node really serves is checked against the config on every fetch.
  return new JsonRpcProvider(request, Network.from(chainId), { staticNetwork: true, batchMaxCount: 100, cacheTimeout: -1 })
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'UND_ERR_SOCKET'])

/** What ethers reported, as the vocabulary: node trouble is retryable, a contract's refusal or nonsense is not. */
export function mapRpcError(error: unknown, what: string): Error {
  if (isCrossmarginError(error)) return error
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return new VenueUnavailable(`${VENUE}: fetch aborted during ${what}`)
  if (isError(error, 'CALL_EXCEPTION')) {
    const rpcError = (error.info as { error?: { message?: string } } | undefined)?.error
    // ethers calls any eth_call error a call exception; only revert data (or a message saying revert) is the
    // contract refusing. "header not found", rate limits and the like are the node's trouble.
    if (error.data === null && rpcError && !/revert/i.test(rpcError.message ?? '')) {
      return new VenueUnavailable(`${VENUE}: RPC error during ${what}: ${String(rpcError.message ?? 'unknown').slice(0, 120)}`)
    }
    const revert = error.revert ? ` (${error.revert.name}(${error.revert.args.join(', ')}))` : ''
    return new VenueRejected(`${VENUE}: ${what} reverted${revert}`)
  }
  if (isError(error, 'BAD_DATA')) {
    const empty = (error as { value?: unknown }).value === '0x'
    return new VenueRejected(`${VENUE}: ${what}: ${empty ? 'no contract answered' : 'the answer could not be decoded'}; are reader and dataStore GMX v2 contracts on this chain?`)
  }
  if (isError(error, 'TIMEOUT')) return new VenueUnavailable(`${VENUE}: RPC timed out during ${what}`)
  if (isError(error, 'SERVER_ERROR')) {
    const response = (error as { response?: { statusCode?: number; headers?: Record<string, string> } }).response
    const status = response?.statusCode
    if (status === 401 || status === 403) return new Unauthorized(`${VENUE}: RPC refused the request (HTTP ${status}) during ${what}; check the RPC URL's API key`)
    if (status === 429) {
      const seconds = Number(response?.headers?.['retry-after'])
      return new VenueUnavailable(`${VENUE}: RPC answered HTTP 429 (rate limited) during ${what}`, Number.isFinite(seconds) && seconds > 0 ? seconds * 1_000 : 1_000)
    }
    return new VenueUnavailable(`${VENUE}: RPC ${status ? `answered HTTP ${status}` : 'failed'} during ${what}`)
  }
  if (isError(error, 'UNSUPPORTED_OPERATION') && (error as { operation?: string }).operation === 'bodyJson') {
    return new VenueUnavailable(`${VENUE}: RPC sent a malformed (non-JSON) answer during ${what}`)
  }
  if (error instanceof SyntaxError) return new VenueUnavailable(`${VENUE}: RPC sent a malformed answer during ${what}`)
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return new VenueUnavailable(`${VENUE}: could not reach the RPC (${code}) during ${what}`)
  const message = isError(error, 'UNKNOWN_ERROR') ? error.shortMessage : error instanceof Error ? error.message : String(error)
  return new VenueUnavailable(`${VENUE}: RPC failure during ${what}: ${message.replace(/\b\w+:\/\/\S+/g, '<rpc>').slice(0, 200)}`)
}

/** Runs one round of reads, mapped to the vocabulary, and stops waiting the moment the fetch is aborted. */
export async function rpcRound<T>(what: string, signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  let onAbort: (() => void) | undefined
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new VenueUnavailable(`${VENUE}: fetch aborted during ${what}`))
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    signal.throwIfAborted()
    return await Promise.race([work(), aborted])
  } catch (error) {
    throw mapRpcError(error, what)
  } finally {
    signal.removeEventListener('abort', onAbort!)
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
