// Stress testing: scenario builders (price × vol grid, historical crash replays, correlation breaks) and their
// evaluation per account and for the book.
export { DERIBIT_GRID_DEFAULTS, deribitVolShift, priceVolGrid, type PriceVolGridParams } from './grid.js'
export { DEFAULT_CRASH_EVENTS, crashReplays, type CrashEvent, type CrashFactorSource, type CrashReplayOptions, type CrashReplaySet } from './crash-replay.js'
export { correlationBreaks, defaultBasisMove, type CorrelationBreakParams } from './correlation-break.js'
export { evaluateStress, widenScenarioSet, type StressResult, type StressScenarioResult, type StressWorst } from './evaluate.js'
