// Puts a Multicall3-compatible contract (LocalMulticall3.sol, compiled here with solc-js) at Multicall3's canonical
// address on a local anvil chain, as it is on mainnets, so the connector's Multicall3 path is tested for real.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'
import { JsonRpcProvider } from 'ethers'
import { MULTICALL3_ADDRESS } from '../one-block-reader.js'

const source = path.join(path.dirname(fileURLToPath(import.meta.url)), 'LocalMulticall3.sol')
let runtime: string | null = null

/** LocalMulticall3's runtime bytecode (compiled once per process). */
export function localMulticall3Bytecode(): string {
  if (runtime) return runtime
  // solc-js is CommonJS and a development dependency: loaded only where a test chain needs it.
  const solc = createRequire(import.meta.url)('solc') as { compile(input: string): string }
  const input = {
    language: 'Solidity',
    sources: { 'LocalMulticall3.sol': { content: readFileSync(source, 'utf8') } },
    // Cancun: anvil's default hardfork runs it; later EVM versions add nothing this contract uses.
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun', outputSelection: { '*': { LocalMulticall3: ['evm.deployedBytecode.object'] } } },
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as { errors?: { severity: string; formattedMessage: string }[]; contracts: Record<string, Record<string, { evm: { deployedBytecode: { object: string } } }>> }
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
