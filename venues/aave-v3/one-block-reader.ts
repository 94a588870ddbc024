// Reads many contract views at one block: packed into Multicall3's aggregate3 (one eth_call per few hundred reads,
// every answer from the same state by construction), or, on a chain without Multicall3 at the configured address,
// as plain eth_calls pinned to the same block and sent in JSON-RPC batches.
// Multicall3: https://github.com/mds1/multicall (deployed at 0xcA11bde05977b3631167028862bE2a173976CA11 on most chains).
import { type JsonRpcProvider } from 'ethers'
import { z } from 'zod'
import { isCrossmarginError, VenueRejected } from '../../core/errors.js'
import { TypedAbi, type AnswerSchemas } from '../evm-abi.js'

export const MULTICALL3_ADDRESS = '0xcA11bde05977b3631167028862bE2a173976CA11'
const MULTICALL3 = new TypedAbi('aave-v3', ['function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)'], {
  aggregate3: z.array(z.object({ success: z.boolean(), returnData: z.string() })),
})
/** Reads per aggregate3 call: large enough for a whole market, small enough for public RPCs' gas caps on eth_call. */
const CHUNK = 250

/** One view call, answering `T`. */
export interface ContractRead<T> {
  target: string
  fn: string
  callData: string
  /** The call's return data as `T`; throws when it does not decode or fit. */
  decode: (returnData: string) => T
  /** A read allowed to fail (a token without a string symbol); it then answers null (and `T` includes null). */
  allowFailure: boolean
  /** Said when the read fails, e.g. which config key names the address. */
  hint?: string
}

/** A read of `fn` on `target`, answering what the ABI says `fn` answers. */
export function contractRead<S extends AnswerSchemas, F extends keyof S & string>(abi: TypedAbi<S>, target: string, fn: F, args: readonly unknown[] = [], hint?: string): ContractRead<z.output<S[F]>> {
  return { target, fn, callData: abi.encodeFunctionData(fn, args), decode: (data) => abi.decodeAnswer(fn, data), allowFailure: false, ...(hint ? { hint } : {}) }
}

/** The same read allowed to fail (a token without a string symbol, a getter an older pool lacks): null then. */
export function mayFail<T>(read: ContractRead<T>): ContractRead<T | null> {
  return { ...read, allowFailure: true }
}

/** Reads by name: one read, or a list of them. */
export type ReadSet = Record<string, ContractRead<unknown> | readonly ContractRead<unknown>[]>
/** Their answers, by the same names. */
export type Answers<R extends ReadSet> = { [K in keyof R]: R[K] extends readonly ContractRead<infer T>[] ? T[] : R[K] extends ContractRead<infer T> ? T : never }

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

  /** Every read's decoded answer, by the names given, all from this block in one round. */
  async all<R extends ReadSet>(reads: R): Promise<Answers<R>> {
    const flat = Object.values(reads).flatMap((entry): readonly ContractRead<unknown>[] => (isReadList(entry) ? entry : [entry]))
    const answers = await this.each(flat)
    let at = 0
    const named = Object.fromEntries(
      Object.entries(reads).map(([name, entry]) => {
        const count = isReadList(entry) ? entry.length : 1
        const mine = answers.slice(at, (at += count))
        return [name, isReadList(entry) ? mine : mine[0]]
      }),
    )
    // Each name's answers were decoded by its own reads, so they are what Answers<R> says; TypeScript cannot follow
    // a mapped type through Object.fromEntries.
    return named as Answers<R>
  }

  /** Every read's decoded answer, in order (null for a failed read that was allowed to fail). */
  private async each(reads: readonly ContractRead<unknown>[]): Promise<unknown[]> {
    if (!this.multicall) return Promise.all(reads.map((r) => this.single(r)))
    const answers: unknown[] = []
    for (let start = 0; start < reads.length; start += CHUNK) {
      const chunk = reads.slice(start, start + CHUNK)
      const data = MULTICALL3.encodeFunctionData('aggregate3', [chunk.map((r) => ({ target: r.target, allowFailure: r.allowFailure, callData: r.callData }))])
      const raw = await this.provider.call({ to: this.multicall, data, blockTag: this.blockTag })
      const results = MULTICALL3.decodeAnswer('aggregate3', raw)
      results.forEach((result, i) => answers.push(this.decode(chunk[i]!, result.success, result.returnData)))
    }
    return answers
  }

  private async single(read: ContractRead<unknown>): Promise<unknown> {
    try {
      const raw = await this.provider.call({ to: read.target, data: read.callData, blockTag: this.blockTag })
      return this.decode(read, true, raw)
    } catch (error) {
      if (read.allowFailure) return null
      throw error
    }
  }

  private decode(read: ContractRead<unknown>, success: boolean, returnData: string): unknown {
    if (!success || returnData === '0x') {
      if (read.allowFailure) return null
      // No code at the target answers '0x': the address is not the contract the config says it is.
      const what = success ? 'no contract answered' : 'the call reverted'
      throw new VenueRejected(`aave-v3: ${read.fn} at ${read.target}: ${what} at block ${this.blockTag}${read.hint ? `; ${read.hint}` : ''}`)
    }
    try {
      return read.decode(returnData)
    } catch (error) {
      if (read.allowFailure) return null
      const why = isCrossmarginError(error) ? ` (${error.message})` : ''
      throw new VenueRejected(`aave-v3: the contract’s answer to ${read.fn} at ${read.target} could not be decoded${why}${read.hint ? `; ${read.hint}` : ''}`, { cause: error })
    }
  }
}

function isReadList(entry: ContractRead<unknown> | readonly ContractRead<unknown>[]): entry is readonly ContractRead<unknown>[] {
  return Array.isArray(entry)
}
