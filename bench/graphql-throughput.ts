// GraphQL throughput: the real portfolio query (embedded PostgreSQL, DataLoaders, 4 accounts) against a bare
// Apollo server answering a constant, measured in the same run and reported as a ratio (machines here are noisy).
import autocannon from 'autocannon'
import express from 'express'
import http from 'node:http'
import { ApolloServer } from '@apollo/server'
import { expressMiddleware } from '@as-integrations/express5'
import { createTestDatabase } from '../test/support/databases.js'
import { lendingSnapshot, perpSnapshot } from '../test/support/snapshots.js'
import { writeSnapshot } from '../indexer/snapshot-writer.js'
import { startApiServer } from '../api/server.js'
import { silentLogger } from '../core/logger.js'

export interface BenchResult {
  name: string
  value: number
  unit: string
  detail?: string
}

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5)
const CONNECTIONS = 10

async function load(url: string, query: string, variables?: Record<string, unknown>): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    connections: CONNECTIONS,
    duration: DURATION_S,
  })
}

async function startBareApollo(): Promise<{ url: string; close(): Promise<void> }> {
  const apollo = new ApolloServer({ typeDefs: 'type Query { hello: String! }', resolvers: { Query: { hello: () => 'world' } } })
  await apollo.start()
  const app = express()
  app.use('/graphql', express.json(), expressMiddleware(apollo))
  const server = http.createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${address.port}/graphql`,
    async close() {
      await apollo.stop()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

export async function runGraphqlThroughputBench(): Promise<BenchResult[]> {
  const db = await createTestDatabase('pglite')
  const portfolio = await db.prisma.portfolio.create({ data: { name: 'Bench' } })
  for (let i = 0; i < 4; i++) {
    const venue = i % 2 === 0 ? 'aave-v3' : 'binance'
    const account = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue, label: `a${i}`, config: {} } })
    const asOf = new Date()
    await writeSnapshot(db.prisma, account, venue === 'aave-v3' ? lendingSnapshot(asOf, '2', '1000') : perpSnapshot(asOf, '-1.5'), 1)
  }
  const api = await startApiServer({ prisma: db.prisma, logger: silentLogger(), venues: {}, now: () => new Date() }, { host: '127.0.0.1', port: 0 })
  const bare = await startBareApollo()
  try {
    const portfolioQuery = `query ($id: ID!) { portfolio(id: $id) { name accounts { venue status lastSnapshot { asOf positions { size } balances { asset amount } } } exposures { asset netUnits netUsd } } }`
    const baseline = await load(bare.url, '{ hello }')
    const real = await load(api.url, portfolioQuery, { id: portfolio.id })
    if (real.non2xx > 0 || real.errors > 0) throw new Error(`portfolio query failed under load: ${real.non2xx} non-2xx, ${real.errors} errors`)
    return [
      { name: 'bare Apollo constant query', value: baseline.requests.average, unit: 'req/s', detail: `p99 ${baseline.latency.p99} ms` },
      { name: 'portfolio query (4 accounts, PGlite)', value: real.requests.average, unit: 'req/s', detail: `p99 ${real.latency.p99} ms` },
      { name: 'portfolio / bare throughput ratio', value: real.requests.average / baseline.requests.average, unit: 'x' },
    ]
  } finally {
    await api.close()
    await bare.close()
    await db.destroy()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await runGraphqlThroughputBench()) console.log(`${r.name}: ${r.value.toFixed(3)} ${r.unit}${r.detail ? ` (${r.detail})` : ''}`)
}
