// Every typed ABI's answer schemas agree with its fragments: an answer ethers decodes from well-formed return data
// passes its function's schema, and one of another shape is VenueRejected naming the function.
import { ZeroAddress, ZeroHash, type ParamType } from 'ethers'
import { describe, test } from '@jest/globals'
import { expect } from '../test/support/expect.js'
import { z } from 'zod'
import { ADDRESSES_PROVIDER, DATA_PROVIDER, ERC20_METADATA as AAVE_ERC20, ORACLE, POOL } from './aave-v3/abi.js'
import { COMET, ERC20_METADATA as COMET_ERC20 } from './compound-v3/abi.js'
import { DATA_STORE, READER } from './gmx-v2/abi.js'
import { TypedAbi, type AnswerSchemas } from './evm-abi.js'

/** A value of the ABI type, for encoding a well-formed answer (the values do not matter, their types do). */
function sample(type: ParamType): unknown {
  if (type.isArray()) return [sample(type.arrayChildren), sample(type.arrayChildren)]
  if (type.isTuple()) return type.components.map(sample)
  if (type.baseType === 'address') return ZeroAddress
  if (type.baseType === 'bool') return true
  if (type.baseType === 'string') return 'WETH'
  if (type.baseType === 'bytes32') return ZeroHash
  if (type.baseType === 'bytes') return '0x1234'
  if (/^u?int\d*$/.test(type.baseType)) return 7n
  throw new Error(`no sample for ${type.baseType}`)
}

const ABIS: [string, TypedAbi<AnswerSchemas>][] = [
  ['aave-v3 PoolAddressesProvider', ADDRESSES_PROVIDER],
  ['aave-v3 Pool', POOL],
  ['aave-v3 PoolDataProvider', DATA_PROVIDER],
  ['aave-v3 oracle', ORACLE],
  ['aave-v3 ERC-20', AAVE_ERC20],
  ['compound-v3 Comet', COMET],
  ['compound-v3 ERC-20', COMET_ERC20],
  ['gmx-v2 Reader', READER],
  ['gmx-v2 DataStore', DATA_STORE],
]

describe('typed ABIs', () => {
  for (const [name, abi] of ABIS) {
    test(`${name}: each function's schema accepts what ethers decodes for its fragment`, () => {
      for (const fn of Object.keys(abi.answers)) {
        const fragment = abi.functionNamed(fn)
        const data = abi.encodeFunctionResult(fragment, fragment.outputs.map(sample))
        expect(() => abi.decodeAnswer(fn, data), fn).not.toThrow()
      }
    })
  }

  test('named outputs read as an object, one output as itself, arrays of structs as arrays of objects', () => {
    const abi = new TypedAbi('test', ['function pair() view returns (uint256 a, address b)', 'function one() view returns (uint8)', 'function list() view returns ((uint256 x, bool y)[])'], {
      pair: z.object({ a: z.bigint(), b: z.string() }),
      one: z.bigint(),
      list: z.array(z.object({ x: z.bigint(), y: z.boolean() })),
    })
    expect(abi.decodeAnswer('pair', abi.encodeFunctionResult('pair', [5n, ZeroAddress]))).toEqual({ a: 5n, b: ZeroAddress })
    expect(abi.decodeAnswer('one', abi.encodeFunctionResult('one', [3n]))).toBe(3n)
    expect(abi.decodeAnswer('list', abi.encodeFunctionResult('list', [[[1n, true], [2n, false]]]))).toEqual([{ x: 1n, y: true }, { x: 2n, y: false }])
  })

  test('an answer of another shape is VenueRejected naming the venue, the function and the field', () => {
    const abi = new TypedAbi('test-venue', ['function pair() view returns (uint256 a, address b)'], { pair: z.object({ a: z.bigint(), b: z.bigint() }) })
    expect(() => abi.decodeAnswer('pair', abi.encodeFunctionResult('pair', [5n, ZeroAddress]))).toThrow(expect.objectContaining({ code: 'VENUE_REJECTED', message: expect.stringMatching(/^test-venue sent an unusable answer to pair: b: /) }))
  })

  test('a schema for a function the ABI does not have is refused when the ABI is built', () => {
    expect(() => new TypedAbi('test', ['function one() view returns (uint8)'], { two: z.bigint() })).toThrow(/has no function two/)
  })
})
