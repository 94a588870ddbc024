// The Graph's client (`@graphprotocol/client-cli`) for the Aave v3 subgraph. `npm run generate` builds it from
// client/.graphclientrc.yml into client/.graphclient/: an SDK with one function per operation of
// user-history.graphql, run through GraphQL Mesh with two of The Graph's transforms, auto-pagination (a 5,000-row page
// becomes five 1,000-row selections of one request) and block tracking (each query asks for a block at least as new
// as the newest answer seen, so an indexer that lags behind a gateway cannot hand back older data between pages).
//
// The client has its own install under client/ (its README says why) and is loaded at run time, by path: nothing
// else of crossmargin depends on it, and an unbuilt client fails only the history read, with a message saying so.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Internal, VenueRejected, VenueUnavailable, isCrossmarginError } from '../../../core/errors.js'
import { parseJsonAnswer, requestText } from '../../../core/http/json-client.js'

const CLIENT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'client')
const BUILT_CLIENT = path.join(CLIENT_DIR, '.graphclient', 'index.js')
const MESH_RUNTIME = path.join(CLIENT_DIR, 'node_modules', '@graphql-mesh', 'runtime', 'esm', 'index.js')

export type AaveHistoryOperation = 'Supplies' | 'Borrows' | 'Repays' | 'LiquidationCalls'
export interface AaveHistoryVariables {
  user: string
  since: number
  until: number
  after: string
}

/** What crossmargin hands the client's custom fetch (client/fetch.js) in each operation's context. */
interface CallContext {
  subgraphUrl: string
  crossmargin: {
    fetch: (url: string, init: RequestInit) => Promise<Response>
    /** The transport's own error, kept because Mesh turns whatever the fetch throws into a GraphQL error. */
    failure?: unknown
  }
}

type Sdk = Record<AaveHistoryOperation, (variables: AaveHistoryVariables) => Promise<Record<string, unknown>>>
interface BuiltClientModule {
  getMeshOptions(): Promise<unknown>
  getSdk(requester: unknown): Sdk
}
interface Mesh {
  sdkRequesterFactory(globalContext: CallContext): unknown
}
interface MeshRuntimeModule {
  getMesh(options: unknown): Promise<Mesh>
}

let loaded: Promise<{ built: BuiltClientModule; runtime: MeshRuntimeModule }> | undefined

function loadClient() {
  loaded ??= (async () => {
    if (!existsSync(BUILT_CLIENT) || !existsSync(MESH_RUNTIME)) {
      throw new Internal(`The Graph client for the Aave subgraph is not built (${path.relative(process.cwd(), BUILT_CLIENT)} is missing): run \`npm run generate\``)
    }
    const [built, runtime] = await Promise.all([import(pathToFileURL(BUILT_CLIENT).href) as Promise<BuiltClientModule>, import(pathToFileURL(MESH_RUNTIME).href) as Promise<MeshRuntimeModule>])
    return { built, runtime }
  })().catch((error: unknown) => {
    loaded = undefined
    throw error
  })
  return loaded
}

export interface SubgraphCallOptions {
  timeoutMs: number
  signal?: AbortSignal
}

/**
 * One client per subgraph URL: block tracking remembers the newest block it saw per client, and block numbers of
 * two chains (Ethereum's and Arbitrum's markets) must not meet.
 */
export class AaveSubgraphClient {
  private mesh: Promise<{ built: BuiltClientModule; mesh: Mesh }> | undefined

  constructor(readonly url: string) {}

  private getMesh() {
    this.mesh ??= loadClient()
      .then(async ({ built, runtime }) => ({ built, mesh: await runtime.getMesh(await built.getMeshOptions()) }))
      .catch((error: unknown) => {
        this.mesh = undefined
        throw error
      })
    return this.mesh
  }

  /** Runs one operation of user-history.graphql; failures come back as crossmargin's errors. */
  async query(operation: AaveHistoryOperation, variables: AaveHistoryVariables, options: SubgraphCallOptions): Promise<Record<string, unknown>> {
    const { built, mesh } = await this.getMesh()
    const what = `reading ${operation} from the subgraph`
    // A context (and so an SDK) per call, not per client: Mesh merges an operation's context into the SDK's, so
    // concurrent calls would share one transport; and block tracking adds `_meta` only once per context, so with one
    // context for all calls only the first answer would ever move the tracked block forward.
    const context: CallContext = {
      subgraphUrl: this.url,
      crossmargin: {
        fetch: async (url, init) => {
          try {
            const text = await requestText(url, init, { venue: 'aave-v3', timeoutMs: options.timeoutMs, signal: options.signal, what })
            parseJsonAnswer(text, { venue: 'aave-v3', what })
            return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } })
          } catch (error) {
            context.crossmargin.failure = error
            throw error
          }
        },
      },
    }
    try {
      return await built.getSdk(mesh.sdkRequesterFactory(context))[operation](variables)
    } catch (error) {
      if (isCrossmarginError(context.crossmargin.failure)) throw context.crossmargin.failure
      throw subgraphError(operation, error)
    }
  }
}

const TRANSIENT = [
  // graph-node, when `block.number_gte` (block tracking) is ahead of what this indexer has: another one may not be.
  /has only indexed up to block number/i,
  // A subgraph that stopped on an indexing error, and a gateway whose indexers are behind, busy or down.
  /indexing_error|indexer|timeout|unavailable|behind|too many requests/i,
]

/** The errors of a GraphQL answer: worth another try (above), or a query this subgraph refuses (another schema). */
function subgraphError(operation: string, error: unknown): VenueUnavailable | VenueRejected {
  const errors = error instanceof AggregateError ? error.errors : [error]
  const message = errors
    .map((e) => (e instanceof Error ? e.message : String(e)))
    .join('; ')
    .slice(0, 300)
  if (TRANSIENT.some((pattern) => pattern.test(message))) return new VenueUnavailable(`aave-v3 subgraph: ${message}`)
  return new VenueRejected(`aave-v3 subgraph refused the ${operation} query: ${message}`)
}
