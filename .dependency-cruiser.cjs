// The house's layering, checked in CI (`npm run lint:deps`); docs/architecture.md draws the same picture.
// Layers, top to bottom: app → api → indexer → portfolio → market → risk → venues → notify → core, with quant/ a pure
// leaf of shared maths. A layer imports only layers below it. Tests, benches and scripts may reach anything.
const PURE_CORE = '^core/(assets|decimal|errors|domain|instrument-symbols)\\.ts$'
const NOT_SOURCE = '(\\.test\\.ts$|^test/|^bench/|^scripts/)'

/** A rule forbidding `from` (outside tests) to import `to`. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from: { path: from, pathNot: NOT_SOURCE }, to })

/* global module */
module.exports = {
  forbidden: [
    forbid('core-is-the-floor', 'core/ sits below everything: it imports nothing of ours but core/ (and the generated Prisma client).', '^core/', { pathNot: ['^core/', '^generated/prisma/', '^node_modules/'], dependencyTypesNot: ['core'] }),
    forbid('quant-is-a-pure-leaf', 'quant/ (Black-76, root finding) is pure maths both venues/ and risk/ use: it imports only itself and pure core.', '^quant/', { pathNot: ['^quant/', PURE_CORE] }),
    forbid('risk-is-pure', 'risk/ does no I/O: it imports only risk/, quant/, pure core and the venues\' pure margin rules.', '^risk/', { pathNot: ['^risk/', '^quant/', PURE_CORE, '^venues/[^/]+/margin\\.ts$', '^node_modules/decimal\\.js/'] }),
    forbid('venue-margin-is-pure', 'A venue\'s margin rule (venues/*/margin.ts) is pure: no I/O, no clients, no database.', '^venues/[^/]+/margin\\.ts$', { pathNot: ['^venues/[^/]+/margin\\.ts$', '^venues/[^/]+/(units|types|portfolio-margin|brackets)\\.ts$', '^quant/', PURE_CORE, '^node_modules/decimal\\.js/'] }),
    forbid('venues-stay-below', 'venues/ never imports the risk engine, the portfolio service, market data, the indexer, the API, notify or the app.', '^venues/', { path: '^(risk|portfolio|market|indexer|api|notify|app)/' }),
    forbid('notify-stays-below', 'notify/ (signed webhooks) knows only core/.', '^notify/', { path: '^(risk|portfolio|market|indexer|api|venues|app|quant)/' }),
    forbid('market-below-portfolio', 'market/ (market data, its store and feeds) is read by the portfolio service, never the other way.', '^market/', { path: '^(portfolio|indexer|api|app)/' }),
    forbid('portfolio-below-indexer', 'portfolio/ (state → risk input → report) is called by the indexer and the API; it calls neither.', '^portfolio/', { path: '^(indexer|api|app)/' }),
    forbid('indexer-runs-without-api', 'The indexer runs without the API (and without the composition root).', '^indexer/', { path: '^(api|app)/' }),
    forbid('api-below-app', 'Only scripts, tests and benches start the app.', '^api/', { path: '^app/' }),
    { name: 'no-circular', comment: 'Modules of ours do not import each other in a ring.', severity: 'error', from: { pathNot: '^node_modules' }, to: { circular: true, pathNot: '^node_modules', viaOnly: { dependencyTypesNot: ['type-only'] } } },
    { name: 'no-orphans', comment: 'A source file nothing imports is dead weight (entry points and tests aside).', severity: 'error', from: { orphan: true, pathNot: ['\\.test\\.ts$', '^(test|bench|scripts)/', '\\.d\\.ts$', '(^|/)[^/]+\\.config\\.(ts|js|cjs)$', '^\\.dependency-cruiser\\.cjs$', '^codegen\\.ts$', '^prisma\\.config\\.ts$', '^eslint\\.config\\.js$', '^generated/', '^venues/aave-v3/subgraph/'] }, to: {} },
  ],
  options: {
    doNotFollow: { path: ['node_modules', 'generated'] },
    exclude: { path: ['^node_modules', '\\.graphclient', '^\\.crossmargin', '^generated/graphql'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
  },
}
