// Maps crossmargin's error vocabulary to GraphQL `extensions.code`, once; anything else is masked as INTERNAL.
import { GraphQLError, type GraphQLFormattedError } from 'graphql'
import { unwrapResolverError } from '@apollo/server/errors'
import { isCrossmarginError } from '../core/errors.js'

// UNAUTHORIZED: the server's own refusal of a missing or bad API key, raised before any resolver runs.
const PASSTHROUGH_CODES = new Set(['UNAUTHORIZED', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'INVALID_INPUT', 'PERSISTED_QUERY_NOT_FOUND', 'BAD_REQUEST'])

export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error)
  if (isCrossmarginError(original)) {
    const extensions: Record<string, unknown> = { code: original.code }
    if ('field' in original) extensions.field = (original as { field: string }).field
    if ('retryAfterMs' in original && original.retryAfterMs !== null) extensions.retryAfterMs = original.retryAfterMs
    return { message: original.message, locations: formatted.locations, path: formatted.path, extensions }
  }
  const code = formatted.extensions?.code
  if (typeof code === 'string' && PASSTHROUGH_CODES.has(code)) return formatted
  if (original instanceof GraphQLError && !original.originalError) return { ...formatted, extensions: { code: code ?? 'INVALID_INPUT' } }
  // Unknown failures may carry internals (SQL, stack, URLs): say only that something broke.
  return { message: 'Internal error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL' } }
}
