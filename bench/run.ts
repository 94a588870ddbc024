// `npm run bench`: every benchmark, each reported as figures and as a ratio to a baseline measured in the same run.
import { runGraphqlThroughputBench, type BenchResult } from './graphql-throughput.js'

const suites: { name: string; run: () => Promise<BenchResult[]> }[] = [{ name: 'GraphQL throughput', run: runGraphqlThroughputBench }]

// The risk batch benchmark registers itself here when present (bench/risk-batch.ts).
try {
  const riskBench = './risk-batch.js'
  const risk = (await import(riskBench)) as { runRiskBatchBench?: () => Promise<BenchResult[]> }
  if (risk.runRiskBatchBench) suites.push({ name: 'Risk batch', run: risk.runRiskBatchBench })
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error
}

for (const suite of suites) {
  console.log(`\n== ${suite.name}`)
  for (const r of await suite.run()) console.log(`  ${r.name}: ${r.value.toFixed(3)} ${r.unit}${r.detail ? ` (${r.detail})` : ''}`)
}
process.exit(0)
