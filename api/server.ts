// The HTTP server: Apollo Server 5 on express at /graphql (POST for queries, GET for the offline GraphiQL page),
// a health endpoint, and subscriptions over WebSocket (graphql-ws) on the same port and path.
import http from 'node:http'
import express from 'express'
import cors from 'cors'
import { ApolloServer } from '@apollo/server'
import { expressMiddleware } from '@as-integrations/express5'
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer'
import { WebSocketServer } from 'ws'
import { useServer } from 'graphql-ws/use/ws'
import { buildApiSchema } from './schema.js'
import { formatError } from './errors.js'
import { buildGraphiql } from './graphiql.js'
import { createContext, type ApiContext, type ApiServices } from './context.js'
import { loadPriceHistory } from '../indexer/market/candle-store.js'
import type { PriceHistory } from '../risk/types.js'

const HISTORY_TTL_MS = 60_000

/** Stored candles change once a day: keep the aligned history for a minute rather than per request. */
function cachedPriceHistory(services: ApiServices): () => Promise<PriceHistory | null> {
  let cached: { at: number; value: Promise<PriceHistory | null> } | null = null
  return () => {
    const now = Date.now()
    if (!cached || now - cached.at > HISTORY_TTL_MS) {
      const value = loadPriceHistory(services.prisma)
      cached = { at: now, value }
      value.catch(() => (cached = null))
    }
    return cached.value
  }
}

export interface ApiServer {
  url: string
  port: number
  close(): Promise<void>
}

export async function startApiServer(services: ApiServices, options: { host: string; port: number }): Promise<ApiServer> {
  const app = express()
  const httpServer = http.createServer(app)
  const schema = buildApiSchema()
  services = { ...services, priceHistory: services.priceHistory ?? cachedPriceHistory(services) }
  // Subscriptions: graphql-ws on the same path; each subscription gets its own context (see margin-call-resolvers).
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' })
  const wsCleanup = useServer(
    {
      schema,
      context: () => createContext(services),
      onError: (_ctx, _id, _payload, errors) => {
        services.logger.warn({ errors: errors.map((e) => e.message) }, 'subscription failed')
      },
    },
    wsServer,
  )
  const apollo = new ApolloServer<ApiContext>({
    schema,
    formatError,
    introspection: true,
    // Apollo's landing page loads from a CDN; GET /graphql serves the local GraphiQL instead.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { serverWillStart: async () => ({ drainServer: async () => void (await wsCleanup.dispose()) }) },
    ],
  })
  await apollo.start()

  const graphiql = buildGraphiql('/graphql', '/graphiql')
  app.get('/graphql', (req, res, next) => {
    // Browsers navigating here prefer HTML; GraphQL clients doing GET prefer JSON and go on to Apollo.
    if (req.accepts(['application/json', 'text/html']) !== 'text/html') return next()
    res.type('html').send(graphiql.html)
  })
  app.get('/graphiql/:name', (req, res) => {
    const script = graphiql.scripts.get(req.params.name)
    if (!script) return res.status(404).end()
    res.type('application/javascript').set('Cache-Control', 'public, max-age=31536000, immutable').send(script)
  })
  app.get('/healthz', async (_req, res) => {
    try {
      await services.prisma.$queryRaw`SELECT 1`
      res.json({ status: 'ok' })
    } catch {
      res.status(503).json({ status: 'database unavailable' })
    }
  })
  app.use('/graphql', cors(), express.json({ limit: '2mb' }), expressMiddleware(apollo, { context: async () => createContext(services) }))

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject)
    httpServer.listen(options.port, options.host, () => resolve())
  })
  const address = httpServer.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host
  return {
    url: `http://${host}:${port}/graphql`,
    port,
    async close() {
      await apollo.stop()
    },
  }
}
