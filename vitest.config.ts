// Test runner settings: one process per file so embedded databases and local chains do not share state.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'generated/**', '.crossmargin/**', '**/.graphclient/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The Graph's client (venues/aave-v3/subgraph/client) is loaded by Node as it is at run time: bundled by Vite,
    // its `graphql` would come in twice (the package's ES module beside the CommonJS copy Mesh's packages require).
    server: { deps: { external: [/\/subgraph\/client\//] } },
    // Node (tsx, production) resolves `graphql` to its CommonJS main, as Apollo and graphql-ws get it; Vite would pick
    // the ES module for our own files, and a schema or GraphQLError from one copy fails `instanceof` in the other.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
})
