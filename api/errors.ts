// Maps crossmargin's error vocabulary to GraphQL `extensions.code`, once, for every transport: Apollo (HTTP) calls
// formatError, graphql-ws (WebSocket) calls clientError and checks requests with checkRequest, which tags GraphQL's
// own refusals as Apollo does. Anything else is masked as INTERNAL.
import { GraphQLError, Kind, getOperationAST, parse, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql'
import { DataUnavailable, InvalidInput, VenueUnavailable, isCrossmarginError, type CrossmarginError } from '../core/errors.js'

// Refusals of the request itself, before or beside any resolver: GraphQL's own checks (Apollo's codes), the
// server's refusal of a missing or bad API key (UNAUTHORIZED), and the scalars' INVALID_INPUT.
const REQUEST_CODES = new Set([
  'UNAUTHORIZED', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'INVALID_INPUT', 'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND', 'BAD_REQUEST',
])

/** The vocabulary error a GraphQL error stands for (a resolver's throw, a failed event stream), if any. */
function vocabularyError(error: unknown): CrossmarginError | null {
  let e: unknown = error
  while (e) {
    if (isCrossmarginError(e)) return e
    e = e instanceof GraphQLError ? e.originalError : undefined
  }
  return null
}

/** graphql-js's refusal of a variable's value; Apollo tags it BAD_USER_INPUT over HTTP (requestPipeline's test). */
function isVariableError(error: GraphQLError): boolean {
  const node = error.nodes?.length === 1 ? error.nodes[0] : undefined
  if (node?.kind !== Kind.VARIABLE_DEFINITION) return false
  const prefix = `Variable "$${node.variable.name.value}" `
  return ['has invalid value', 'got invalid value ', 'of required type ', 'of non-null type '].some((rest) => error.message.startsWith(prefix + rest))
}

/** One error as the client sees it, whichever transport carries it. */
export function clientError(error: unknown): GraphQLFormattedError {
  const where = error instanceof GraphQLError ? { locations: error.locations, path: error.path } : {}
  const known = vocabularyError(error)
  if (known) {
    const extensions: Record<string, unknown> = { code: known.code }
    if (known instanceof InvalidInput) extensions.field = known.field
    if (known instanceof VenueUnavailable && known.retryAfterMs !== null) extensions.retryAfterMs = known.retryAfterMs
    // Missing data is told as what is missing and why, not where in the engine's arguments it was noticed.
    return { message: known instanceof DataUnavailable ? known.detail : known.message, ...where, extensions }
  }
  if (error instanceof GraphQLError) {
    const code = error.extensions?.code
    if (typeof code === 'string' && REQUEST_CODES.has(code)) return { message: error.message, ...where, extensions: { code } }
    if (!error.originalError && isVariableError(error)) return { message: error.message, ...where, extensions: { code: 'BAD_USER_INPUT' } }
  }
  // Unknown failures may carry internals (SQL, stack, URLs): say only that something broke.
  return { message: 'Internal error', ...where, extensions: { code: 'INTERNAL' } }
}

/** Apollo Server's formatError hook: the error Apollo has already formatted is ignored, the raw one is mapped. */
export function formatError(_formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  return clientError(error)
}

/** The same, keeping the stack trace Apollo added: only behind the operator's debug switch (CROSSMARGIN_DEBUG_ERRORS). */
export function formatErrorWithStack(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const mapped = clientError(error)
  const stacktrace = formatted.extensions?.stacktrace
  return stacktrace === undefined ? mapped : { ...mapped, extensions: { ...mapped.extensions, stacktrace } }
}

const tagged = (error: GraphQLError, code: string) =>
  new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, originalError: error.originalError, extensions: { ...error.extensions, code } })

/**
 * graphql-ws's onSubscribe: parses, validates and picks the operation as Apollo does over HTTP, with Apollo's codes
 * on each refusal (graphql-ws would send them untagged, or close the socket on a syntax error).
 */
export function checkRequest(schema: GraphQLSchema, payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null }) {
  let document: DocumentNode
  try {
    document = parse(payload.query)
  } catch (error) {
    if (error instanceof GraphQLError) return [tagged(error, 'GRAPHQL_PARSE_FAILED')]
    throw error
  }
  const invalid = validate(schema, document)
  if (invalid.length > 0) return invalid.map((e) => tagged(e, 'GRAPHQL_VALIDATION_FAILED'))
  if (!getOperationAST(document, payload.operationName)) {
    const message = payload.operationName ? `Unknown operation named "${payload.operationName}".` : 'Must provide operation name if query contains multiple operations.'
    return [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })]
  }
  return { schema, document, operationName: payload.operationName, variableValues: payload.variables }
}
