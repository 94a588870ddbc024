// A local GraphQL server answering in the Aave v3 subgraph's schema (../schema.graphql) from in-memory entities,
// with graph-node's query semantics for what crossmargin asks: `where` on user, timestamp_gte/_lt and id_gt/_gte,
// ordered by id, `first` at most 1,000 and `skip` at most 5,000 (graph-node's limits, refused with its messages),
// `_meta { block }`, and `block: { number_gte }` refused, as graph-node does, when the subgraph has not indexed that
// far. For tests: entities can be added and the indexed block moved (even back, as a lagging indexer behind a
// gateway would answer) while it runs, and the next answers replaced by GraphQL errors.
import http from 'node:http'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSchema, graphql } from 'graphql'
import { z } from 'zod'

type Row = Record<string, unknown> & { id: string; timestamp: number; user: { id: string } }
export interface SubgraphData {
  supplies: Row[]
  borrows: Row[]
  repays: Row[]
  liquidationCalls: Row[]
}

export interface LocalSubgraph {
  url: string
  data: SubgraphData
  /** HTTP requests answered so far. */
  readonly requests: number
  /** The block the subgraph has indexed up to, as `_meta` reports it. */
  indexedBlock: number
  /** The `block.number_gte` of every list selection asked for, in order (null where there was none). */
  readonly minBlocksAsked: (number | null)[]
  /** While set, every answer is `{ errors: [{ message }] }` with no data, as graph-node answers a failed subgraph. */
  failWith: string | null
  close(): Promise<void>
}

const schema = buildSchema(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'schema.graphql'), 'utf8'))
const DEPLOYMENT = 'QmLocalAaveV3SubgraphForCrossmarginTests000000000'

interface Args {
  first: number
  skip: number
  orderBy?: string
  orderDirection?: 'asc' | 'desc'
  where?: { user?: string; timestamp_gte?: number; timestamp_lt?: number; id_gt?: string; id_gte?: string }
  block?: { number?: number; number_gte?: number }
}

/** A GraphQL request as graph-node takes it. */
const GraphqlRequestSchema = z.object({ query: z.string(), variables: z.record(z.string(), z.unknown()).optional(), operationName: z.string().optional() })

export async function startLocalSubgraph(data: SubgraphData, options: { indexedBlock?: number } = {}): Promise<LocalSubgraph> {
  const state: { requests: number; indexedBlock: number; failWith: string | null; minBlocksAsked: (number | null)[] } = { requests: 0, indexedBlock: options.indexedBlock ?? 18_000_000, failWith: null, minBlocksAsked: [] }

  function select(rows: Row[], args: Args): Row[] {
    const asked = args.block?.number ?? args.block?.number_gte
    state.minBlocksAsked.push(args.block?.number_gte ?? null)
    if (asked !== undefined && asked > state.indexedBlock) {
      throw new Error(`Failed to decode \`block.number\` value: \`subgraph ${DEPLOYMENT} has only indexed up to block number ${state.indexedBlock} and data for block number ${asked} is therefore not yet available\``)
    }
    if (args.first < 0 || args.first > 1000) throw new Error(`The \`first\` argument must be between 0 and 1000, but is ${args.first}`)
    if (args.skip < 0 || args.skip > 5000) throw new Error(`The \`skip\` argument must be between 0 and 5000, but is ${args.skip}`)
    const w = args.where ?? {}
    const matching = rows.filter(
      (r) =>
        (w.user === undefined || r.user.id === w.user) &&
        (w.timestamp_gte === undefined || r.timestamp >= w.timestamp_gte) &&
        (w.timestamp_lt === undefined || r.timestamp < w.timestamp_lt) &&
        (w.id_gt === undefined || r.id > w.id_gt) &&
        (w.id_gte === undefined || r.id >= w.id_gte),
    )
    const key = args.orderBy ?? 'id'
    matching.sort((a, b) => (a[key]! < b[key]! ? -1 : a[key]! > b[key]! ? 1 : 0) * (args.orderDirection === 'desc' ? -1 : 1))
    return matching.slice(args.skip, args.skip + args.first)
  }

  const root = {
    supplies: (args: Args) => select(data.supplies, args),
    borrows: (args: Args) => select(data.borrows, args),
    repays: (args: Args) => select(data.repays, args),
    liquidationCalls: (args: Args) => select(data.liquidationCalls, args),
    _meta: () => ({ block: { number: state.indexedBlock, hash: null, timestamp: null }, deployment: DEPLOYMENT, hasIndexingErrors: false }),
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    // A request the handler cannot serve (a body that is not JSON) answers 500 instead of an unhandled rejection.
    req.on('end', () => void respond().catch((error: unknown) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: String(error) }] }))))
    async function respond() {
      state.requests++
      if (state.failWith !== null) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: state.failWith }] }))
        return
      }
      const body = GraphqlRequestSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'))
      const result = await graphql({ schema, source: body.query, rootValue: root, variableValues: body.variables, operationName: body.operationName })
      // graph-node answers a query with any failed selection with errors only.
      const answer = result.errors?.length ? { errors: result.errors } : result
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
    }
  })
  // Tests block this process's event loop (an embedded database storing thousands of rows) between requests; with
  // Node's 5 s default, the server's keep-alive timer and the client's fire together afterwards and race.
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the local subgraph is not listening on a TCP port')
  return {
    url: `http://127.0.0.1:${address.port}/subgraphs/name/aave/protocol-v3`,
    data,
    get requests() {
      return state.requests
    },
    get indexedBlock() {
      return state.indexedBlock
    },
    set indexedBlock(block: number) {
      state.indexedBlock = block
    },
    get minBlocksAsked() {
      return state.minBlocksAsked
    },
    get failWith() {
      return state.failWith
    },
    set failWith(message: string | null) {
      state.failWith = message
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
