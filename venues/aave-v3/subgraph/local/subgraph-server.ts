// A local GraphQL server answering in the Aave v3 subgraph's schema (../schema.graphql) from in-memory entities,
// with The Graph's query semantics for what crossmargin asks: `where` on user, timestamp_gte/_lt and id_gt, ordered
// by id, at most `first` rows. For tests; entities can be added while it runs.
import http from 'node:http'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { AddressInfo } from 'node:net'
import { buildSchema, graphql } from 'graphql'

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
  requests: number
  close(): Promise<void>
}

const schema = buildSchema(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'schema.graphql'), 'utf8'))

interface Args {
  first: number
  skip: number
  orderBy?: string
  orderDirection?: 'asc' | 'desc'
  where?: { user?: string; timestamp_gte?: number; timestamp_lt?: number; id_gt?: string }
}

function select(rows: Row[], args: Args): Row[] {
  const w = args.where ?? {}
  const matching = rows.filter(
    (r) =>
      (w.user === undefined || r.user.id === w.user) &&
      (w.timestamp_gte === undefined || r.timestamp >= w.timestamp_gte) &&
      (w.timestamp_lt === undefined || r.timestamp < w.timestamp_lt) &&
      (w.id_gt === undefined || r.id > w.id_gt),
  )
  const key = args.orderBy ?? 'id'
  matching.sort((a, b) => (a[key]! < b[key]! ? -1 : a[key]! > b[key]! ? 1 : 0) * (args.orderDirection === 'desc' ? -1 : 1))
  // The Graph refuses pages over 1,000 rows.
  if (args.first > 1000) throw new Error('The `first` argument must be between 0 and 1000, but is ' + args.first)
  return matching.slice(args.skip, args.skip + args.first)
}

export async function startLocalSubgraph(data: SubgraphData): Promise<LocalSubgraph> {
  const state = { requests: 0 }
  const root = {
    supplies: (args: Args) => select(data.supplies, args),
    borrows: (args: Args) => select(data.borrows, args),
    repays: (args: Args) => select(data.repays, args),
    liquidationCalls: (args: Args) => select(data.liquidationCalls, args),
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      state.requests++
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { query: string; variables?: Record<string, unknown>; operationName?: string }
      const result = await graphql({ schema, source: body.query, rootValue: root, variableValues: body.variables, operationName: body.operationName })
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/subgraphs/name/aave/protocol-v3`,
    data,
    get requests() {
      return state.requests
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
