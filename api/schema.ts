// Builds the executable schema from schema.graphql (schema-first) and the codegen-typed resolver map.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { makeExecutableSchema } from '@graphql-tools/schema'
import type { GraphQLSchema } from 'graphql'
import { resolvers } from './resolvers.js'

export const schemaPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'schema.graphql')

export function buildApiSchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: readFileSync(schemaPath, 'utf8'),
    resolvers: resolvers as Parameters<typeof makeExecutableSchema>[0]['resolvers'],
    // A resolver naming a field the contract lacks is a bug, not something to ignore.
    resolverValidationOptions: { requireResolversToMatchSchema: 'error' },
  })
}
