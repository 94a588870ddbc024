// Reads many contract views at one block: packed into Multicall3's aggregate3 (one eth_call per few hundred reads,
// every answer from the same state by construction), or, on a chain without Multicall3 at the configured address,
// as plain eth_calls pinned to the same block and sent in JSON-RPC batches.
// Multicall3: https://github.com/mds1/multicall (deployed at 0xcA11bde05977b3631167028862bE2a173976CA11 on most chains).
import { Interface, type JsonRpcProvider, type Result } from 'ethers'
import { VenueRejected } from '../../core/errors.js'

export const MULTICALL3_ADDRESS = '0xcA11bde05977b3631167028862bE2a173976CA11'
const MULTICALL3 = new Interface(['function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)'])
/** Reads per aggregate3 call: large enough for a whole market, small enough for public RPCs' gas caps on eth_call. */
const CHUNK = 250

export interface ContractRead {
  target: string
  iface: Interface
  fn: string
  args?: unknown[]
  /** A read allowed to fail (a token without a string symbol); it then answers null. */
  allowFailure?: boolean
  /** Said when the read fails, e.g. which config key names the address. */
  hint?: string
}

export type ReadPath = 'multicall3' | 'json-rpc-batch'

export class OneBlockReader {
  private constructor(
    private readonly provider: JsonRpcProvider,
    readonly blockTag: number,
    private readonly multicall: string | null,
  ) {}

  /** Uses Multicall3 when `multicallAddress` has code at `blockTag`; `null` never uses it. */
  static async open(provider: JsonRpcProvider, blockTag: number, multicallAddress: string | null): Promise<OneBlockReader> {
    const code = multicallAddress ? await provider.getCode(multicallAddress, blockTag) : '0x'
    return new OneBlockReader(provider, blockTag, code !== '0x' ? multicallAddress : null)
  }

  get path(): ReadPath {
    return this.multicall ? 'multicall3' : 'json-rpc-batch'
  }

  /** Every read's decoded answer, in order (null for a failed read that was allowed to fail). */
  async all(reads: ContractRead[]): Promise<(Result | null)[]> {
    if (!this.multicall) return Promise.all(reads.map((r) => this.single(r)))
    const answers: (Result | null)[] = []
    for (let start = 0; start < reads.length; start += CHUNK) {
      const chunk = reads.slice(start, start + CHUNK)
      const data = MULTICALL3.encodeFunctionData('aggregate3', [chunk.map((r) => ({ target: r.target, allowFailure: r.allowFailure ?? false, callData: r.iface.encodeFunctionData(r.fn, r.args ?? []) }))])
      const raw = await this.provider.call({ to: this.multicall, data, blockTag: this.blockTag })
      const [results] = MULTICALL3.decodeFunctionResult('aggregate3', raw) as unknown as [{ success: boolean; returnData: string }[]]
      results.forEach((result, i) => answers.push(this.decode(chunk[i]!, result.success, result.returnData)))
    }
    return answers
  }

  private async single(read: ContractRead): Promise<Result | null> {
    try {
      const raw = await this.provider.call({ to: read.target, data: read.iface.encodeFunctionData(read.fn, read.args ?? []), blockTag: this.blockTag })
      return this.decode(read, true, raw)
    } catch (error) {
      if (read.allowFailure) return null
      throw error
    }
  }

  private decode(read: ContractRead, success: boolean, returnData: string): Result | null {
    if (!success || returnData === '0x') {
      if (read.allowFailure) return null
      // No code at the target answers '0x': the address is not the contract the config says it is.
      const what = success ? 'no contract answered' : 'the call reverted'
      throw new VenueRejected(`aave-v3: ${read.fn} at ${read.target}: ${what} at block ${this.blockTag}${read.hint ? `; ${read.hint}` : ''}`)
    }
    try {
      return read.iface.decodeFunctionResult(read.fn, returnData)
    } catch (error) {
      if (read.allowFailure) return null
      throw new VenueRejected(`aave-v3: the contract’s answer to ${read.fn} at ${read.target} could not be decoded${read.hint ? `; ${read.hint}` : ''}`, { cause: error })
    }
  }
}
