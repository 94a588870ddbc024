// The HTTP server: Apollo Server 5 on express at /graphql (POST for queries, GET for the offline GraphiQL page),
// a health endpoint, and subscriptions over WebSocket (graphql-ws) on the same port and path.
import http from 'node:http'
import express from 'express'
import cors from 'cors'
import { ApolloServer } from '@apollo/server'
import { GraphQLError } from 'graphql'
import { expressMiddleware } from '@as-integrations/express5'
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer'
import { WebSocketServer } from 'ws'
import { useServer } from 'graphql-ws/use/ws'
import { buildApiSchema } from './schema.js'
import { checkRequest, clientError, formatError, formatErrorWithStack } from './errors.js'
import { buildGraphiql } from './graphiql.js'
import { dashboardHtml } from './dashboard.js'
import { createContext, type ApiContext, type ApiServices } from './context.js'
import { presentedKey, resolveAccess, type Access } from './access.js'
import { refusedOrigin, type OriginPolicy } from './origin-guard.js'
import { Unauthorized } from '../core/errors.js'
import { cachedPriceHistory } from '../market/candle-store.js'

export interface ApiServer {
  url: string
  port: number
  close(): Promise<void>
}

/** The caller's access for one HTTP request or WebSocket connection. */
function accessFor(services: ApiServices, key: string | null): Promise<Access> {
  return resolveAccess(services.prisma, key, { requireKey: services.requireApiKey ?? false, now: services.now })
}

export async function startApiServer(services: ApiServices, options: { host: string; port: number }): Promise<ApiServer> {
  const app = express()
  const httpServer = http.createServer(app)
  const schema = buildApiSchema()
  services = { ...services, priceHistory: services.priceHistory ?? cachedPriceHistory(services.prisma) }
  // Subscriptions: graphql-ws on the same path; each subscription gets its own context (see margin-call-resolvers).
  // Browsers cannot set headers on a WebSocket, so the key may also come in the connection_init payload.
  const originPolicy: OriginPolicy = { allowedOrigins: services.allowedOrigins ?? [] }
  // A page on another origin may not open a subscription in the user's browser either (browsers send Origin on upgrades).
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', verifyClient: ({ req }: { req: http.IncomingMessage }) => refusedOrigin(req.headers, originPolicy) === null })
  const connectionAccess = new WeakMap<object, Access>()
  // Open sockets per API key, so revoking a key closes its subscriptions at once (and a sweep catches keys revoked by
  // another process or the CLI).
  const socketsByKey = new Map<string, Set<{ close(code: number, reason: string): void }>>()
  const closeSocketsOf = (keyId: string) => {
    for (const socket of socketsByKey.get(keyId) ?? []) socket.close(4403, 'API key revoked')
    socketsByKey.delete(keyId)
  }
  services = { ...services, apiKeyRevoked: closeSocketsOf }
  const revocationSweep = setInterval(() => {
    if (socketsByKey.size === 0) return
    services.prisma.apiKey
      .findMany({ where: { id: { in: [...socketsByKey.keys()] }, revokedAt: { not: null } }, select: { id: true } })
      .then((revoked) => revoked.forEach((k) => closeSocketsOf(k.id)))
      .catch((error: unknown) => services.logger.warn({ error: (error as Error).message }, 'API key revocation sweep failed'))
  }, services.revocationSweepMs ?? 10_000)
  revocationSweep.unref()
  const wsCleanup = useServer(
    {
      schema,
      onConnect: async (ctx) => {
        const params = (ctx.connectionParams ?? {}) as Record<string, unknown>
        const key = presentedKey(params) ?? (typeof params.apiKey === 'string' ? params.apiKey : null) ?? presentedKey(ctx.extra.request.headers)
        try {
          const access = await accessFor(services, key)
          connectionAccess.set(ctx, access)
          if (access.kind === 'key') {
            const socket = ctx.extra.socket
            const sockets = socketsByKey.get(access.keyId) ?? new Set()
            socketsByKey.set(access.keyId, sockets.add(socket))
            socket.once('close', () => sockets.delete(socket))
          }
          return true
        } catch (error) {
          if (error instanceof Unauthorized) return false // graphql-ws closes with 4403 Forbidden
          throw error
        }
      },
      context: (ctx) => createContext(services, connectionAccess.get(ctx)),
      // The same codes as over HTTP: the request checked as Apollo checks it, every error through the one mapping.
      onSubscribe: (_ctx, _id, payload) => checkRequest(schema, payload),
      onError: (_ctx, _id, _payload, errors) => {
        services.logger.warn({ errors: errors.map((e) => e.message) }, 'subscription refused')
        return errors.map(clientError)
      },
      onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? { ...result, errors: result.errors.map(clientError) } : undefined),
    },
    wsServer,
  )
  const apollo = new ApolloServer<ApiContext>({
    schema,
    formatError: services.debugErrors ? formatErrorWithStack : formatError,
    introspection: true,
    // The app owns shutdown (app/app.ts stops the indexer first, then the API, then the database). Apollo's own
    // SIGTERM handler started a second stop beside ours and the process hung after "stopping the API".
    stopOnTerminationSignals: false,
    // Stack traces name our files and libraries: only with the operator's explicit debug switch, never by default
    // (Apollo includes them whenever NODE_ENV is unset, as it is under `npm start`).
    includeStacktraceInErrorResponses: services.debugErrors ?? false,
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
  // The dashboard: a page that reads the API like any client (and asks for a key where one is required).
  const dashboard = dashboardHtml('/graphql')
  app.get(['/', '/dashboard'], (_req, res) => {
    res.type('html').set('Content-Security-Policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'").send(dashboard)
  })
  app.get('/healthz', async (_req, res) => {
    try {
      await services.prisma.$queryRaw`SELECT 1`
      res.json({ status: 'ok' })
    } catch {
      res.status(503).json({ status: 'database unavailable' })
    }
  })
  // Same origin by default: a request from a page on another origin is refused before it reaches GraphQL (reads and
  // mutations alike); origins the operator lists get CORS headers (api/origin-guard.ts).
  const guardOrigin: express.RequestHandler = (req, res, next) => {
    const refused = refusedOrigin(req.headers, originPolicy)
    if (refused === null) return next()
    res.status(403).json({ errors: [{ message: refused, extensions: { code: 'UNAUTHORIZED' } }] })
  }
  const corsForListed = cors({ origin: (origin, callback) => callback(null, origin !== undefined && originPolicy.allowedOrigins.includes(origin)) })
  app.use('/graphql', guardOrigin, corsForListed, express.json({ limit: '2mb' }), expressMiddleware(apollo, {
      context: async ({ req }) => {
        try {
          return createContext(services, await accessFor(services, presentedKey(req.headers)))
        } catch (error) {
          // Apollo answers a context failure with 500 unless told otherwise: a missing or bad key is a 401.
          if (error instanceof Unauthorized) throw new GraphQLError(error.message, { extensions: { code: 'UNAUTHORIZED', http: { status: 401 } } })
          throw error
        }
      },
    }))

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
      clearInterval(revocationSweep)
      await apollo.stop()
    },
  }
}
