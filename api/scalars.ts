// Custom scalars: Decimal travels as a base-10 string (never a float), DateTime as ISO-8601 UTC, JSON as is.
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql'
import { Decimal, toDecimalString, type DecimalString } from '../core/decimal.js'

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/

/**
 * Resolvers hand over DecimalStrings (the generated resolver types say so), written out as they are. Anything else
 * (a float, a Prisma Decimal, text with an exponent) skipped toDecimalString somewhere: refused loudly.
 */
function serializeDecimal(value: unknown): DecimalString {
  if (typeof value === 'string' && DECIMAL_TEXT.test(value)) return value as DecimalString
  throw new GraphQLError(`Decimal cannot represent ${typeof value} ${String(value)}; convert it with toDecimalString first`)
}

/** A caller's decimal, checked once and kept as the caller wrote it (a JSON number is taken at its shortest form). */
function parseDecimalInput(value: unknown): DecimalString {
  if (typeof value === 'string' && DECIMAL_TEXT.test(value.trim())) return value.trim() as DecimalString
  if (typeof value === 'number' && Number.isFinite(value)) return toDecimalString(new Decimal(value))
  throw new GraphQLError(`Decimal expects a base-10 string such as "123.45", got ${JSON.stringify(value)}`, { extensions: { code: 'INVALID_INPUT' } })
}

export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'A base-10 number as a string, e.g. "1234.5678": exact, never a binary float.',
  serialize: serializeDecimal,
  parseValue: parseDecimalInput,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseDecimalInput(ast.value)
    throw new GraphQLError('Decimal expects a string literal', { extensions: { code: 'INVALID_INPUT' } })
  },
})

function parseDate(value: unknown): Date {
  if (typeof value === 'string') {
    const date = new Date(value)
    if (!Number.isNaN(date.getTime()) && /^\d{4}-\d{2}-\d{2}/.test(value)) return date
  }
  throw new GraphQLError(`DateTime expects an ISO-8601 string, got ${JSON.stringify(value)}`, { extensions: { code: 'INVALID_INPUT' } })
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO-8601 time in UTC, e.g. "2026-01-31T12:00:00.000Z".',
  serialize(value) {
    if (value instanceof Date) return value.toISOString()
    if (typeof value === 'string') return parseDate(value).toISOString()
    throw new GraphQLError(`DateTime cannot represent ${String(value)}`)
  },
  parseValue: parseDate,
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING) return parseDate(ast.value)
    throw new GraphQLError('DateTime expects a string literal', { extensions: { code: 'INVALID_INPUT' } })
  },
})

export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Arbitrary JSON (venue payload details).',
  serialize: (value) => value,
  parseValue: (value) => value,
})
