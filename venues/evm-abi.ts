// Contract answers with types: each function of a venue's ABI (ethers 6 Interface, from the fragments the venue's
// abi.ts writes) paired with a zod schema of what ethers decodes it into. Connectors then read named bigints and
// addresses without casts on ethers' `Result`, and an answer of another shape (another contract at the address)
// is refused as VenueRejected naming the function, instead of failing later as a TypeError.
// evm-abi.test.ts checks every venue's schemas against its fragments.
import { Interface, Result, type FunctionFragment, type ParamType } from 'ethers'
import { z } from 'zod'
import { Internal } from '../core/errors.js'
import { parsePayload } from './payload.js'

/** An address as ethers decodes one (checksummed hex). */
export const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'is not an address')

/** One decoded value as plain data: arrays stay arrays, named tuples become objects (unnamed ones arrays). */
function plainValue(type: ParamType, value: unknown): unknown {
  if (!(value instanceof Result)) return value
  if (type.isArray()) return Array.from(value, (item: unknown) => plainValue(type.arrayChildren, item))
  if (type.isTuple()) return plainTuple(type.components, value)
  return value
}

function plainTuple(types: readonly ParamType[], values: Result): unknown {
  const items = types.map((type, i): unknown => plainValue(type, values.at(i)))
  return types.length > 0 && types.every((t) => t.name !== '') ? Object.fromEntries(types.map((t, i) => [t.name, items[i]])) : items
}

/**
 * What a call to `fragment` answered, as plain data: a function with one output answers that output (as ethers'
 * Contract does), one with several a tuple of them (an object when every output is named).
 */
export function plainAnswer(fragment: FunctionFragment, answer: unknown): unknown {
  if (fragment.outputs.length === 1) return plainValue(fragment.outputs[0]!, answer)
  if (!(answer instanceof Result)) return answer
  return plainTuple(fragment.outputs, answer)
}

/** A decoded call's arguments as plain data, by name where the fragment names them (for servers answering calls). */
export function callArguments(fragment: FunctionFragment, args: Result): unknown {
  // No arguments: no names either, but an object of none is what a reader by name expects.
  return fragment.inputs.length === 0 ? {} : plainTuple(fragment.inputs, args)
}

export type AnswerSchemas = Record<string, z.ZodType>

/** A venue's ABI whose functions answer typed values; still an ethers Interface for encoding and events. */
export class TypedAbi<S extends AnswerSchemas> extends Interface {
  constructor(
    /** Named in the error when an answer does not fit. */
    readonly venue: string,
    fragments: readonly string[],
    readonly answers: S,
  ) {
    super(fragments)
    for (const fn of Object.keys(answers)) this.functionNamed(fn)
  }

  functionNamed(fn: string): FunctionFragment {
    const fragment = this.getFunction(fn)
    if (!fragment) throw new Internal(`${this.venue}: the ABI has no function ${fn}`)
    return fragment
  }

  /** What an ethers Contract call of `fn` answered (its one output, or the Result of several), checked. */
  checkAnswer<F extends keyof S & string>(fn: F, answer: unknown): z.output<S[F]> {
    return parsePayload<S[F]>(this.venue, this.answers[fn], plainAnswer(this.functionNamed(fn), answer), `answer to ${fn}`)
  }

  /** An eth_call's return data for `fn`, decoded and checked. */
  decodeAnswer<F extends keyof S & string>(fn: F, data: string): z.output<S[F]> {
    const fragment = this.functionNamed(fn)
    const result = this.decodeFunctionResult(fragment, data)
    return this.checkAnswer(fn, fragment.outputs.length === 1 ? result.at(0) : result)
  }
}
