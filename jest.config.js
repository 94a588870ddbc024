// Test runner settings: Jest in ESM mode (the sources are ES modules and PGlite is one), TypeScript compiled by SWC.
/** @type {import('jest').Config} */
export default {
  // Jest's Node environment on a plain global object: the risk engine's loops at Node's speed (the file says why).
  testEnvironment: '<rootDir>/test/support/jest-environment.js',
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/generated/', '<rootDir>/.crossmargin/', '/\\.graphclient/'],
  // The demo's embedded database lives in .crossmargin/: no modules there.
  modulePathIgnorePatterns: ['<rootDir>/.crossmargin/'],
  extensionsToTreatAsEsm: ['.ts'],
  // Sources import each other as `./x.js` (NodeNext); the file on disk is `./x.ts`.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }],
  },
  // Only our TypeScript is compiled; packages and The Graph's built client run as Node ships them.
  transformIgnorePatterns: ['/node_modules/', '/\\.graphclient/'],
  // A fresh worker process for every test file (0: restart after each), as Vitest's `forks` pool did: embedded
  // PGlite databases, local chains (anvil) and Node's global fetch pool must not carry over from one file to the
  // next, and ES modules loaded through Jest's VM are never freed within a process.
  workerIdleMemoryLimit: 0,
  // One default for tests and hooks alike in Jest: the hooks' (starting anvil, migrating PGlite) needs 120 s on a
  // loaded machine; a test that hangs still fails, later.
  testTimeout: 120_000,
}
