// Puts a Multicall3-compatible contract (LocalMulticall3.sol, compiled here with solc-js) at Multicall3's canonical
// address on a local anvil chain, as it is on mainnets, so the connector's Multicall3 path is tested for real.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { JsonRpcProvider } from 'ethers'
import { z } from 'zod'
import { MULTICALL3_ADDRESS } from '../one-block-reader.js'

const source = path.join(path.dirname(fileURLToPath(import.meta.url)), 'LocalMulticall3.sol')
let runtime: string | null = null

/** solc-js's standard-JSON compile(), which answers a JSON string. */
function isSolc(module: unknown): module is { compile(input: string): string } {
  return typeof module === 'object' && module !== null && 'compile' in module && typeof module.compile === 'function'
}

/** The parts of solc's standard-JSON output read here. */
const SolcOutputSchema = z.object({
  errors: z.array(z.looseObject({ severity: z.string(), formattedMessage: z.string() })).optional(),
  contracts: z.record(z.string(), z.record(z.string(), z.looseObject({ evm: z.looseObject({ deployedBytecode: z.looseObject({ object: z.string() }) }) }))),
})

/** LocalMulticall3's runtime bytecode (compiled once per process). */
export function localMulticall3Bytecode(): string {
  if (runtime) return runtime
  // solc-js is CommonJS and a development dependency: loaded only where a test chain needs it.
  const solc: unknown = createRequire(import.meta.url)('solc')
  if (!isSolc(solc)) throw new Error('the solc package does not export compile()')
  const input = {
    language: 'Solidity',
    sources: { 'LocalMulticall3.sol': { content: readFileSync(source, 'utf8') } },
    // Cancun: anvil's default hardfork runs it; later EVM versions add nothing this contract uses.
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun', outputSelection: { '*': { LocalMulticall3: ['evm.deployedBytecode.object'] } } },
  }
  const output = SolcOutputSchema.parse(JSON.parse(solc.compile(JSON.stringify(input))))
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error')
  if (errors.length > 0) throw new Error(`LocalMulticall3.sol does not compile: ${errors.map((e) => e.formattedMessage).join('\n')}`)
  runtime = `0x${output.contracts['LocalMulticall3.sol']!.LocalMulticall3!.evm.deployedBytecode.object}`
  return runtime
}

/** Installs it at the canonical address (anvil_setCode) and returns that address. */
export async function installLocalMulticall3(rpcUrl: string): Promise<string> {
  const provider = new JsonRpcProvider(rpcUrl)
  try {
    await provider.send('anvil_setCode', [MULTICALL3_ADDRESS, localMulticall3Bytecode()])
    return MULTICALL3_ADDRESS
  } finally {
    provider.destroy()
  }
}
