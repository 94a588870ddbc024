// The Aave v3 account config: what it accepts, and errors that name the key at fault.
import { describe, expect, test } from '@jest/globals'
import { aaveV3Descriptor } from './descriptor.js'

const valid = {
  rpcUrl: 'https://eth-mainnet.example.com/v2/key',
  // Aave v3 Ethereum's PoolAddressesProvider (aave.com/docs, "Addresses") and an arbitrary wallet.
  poolAddressesProvider: '0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e',
  user: '0x000000000000000000000000000000000000dEaD',
}

function issues(config: unknown) {
  const result = aaveV3Descriptor.configSchema.safeParse(config)
  expect(result.success).toBe(false)
  return result.error!.issues.map((i) => ({ key: i.path.join('.'), message: i.message }))
}

describe('Aave v3 config', () => {
  test('a complete config passes, with chainId and market optional', () => {
    // Defaults: a 10-minute stale-block limit and the canonical Multicall3.
    expect(aaveV3Descriptor.configSchema.parse(valid)).toEqual({ ...valid, maxBlockAgeSeconds: 600, multicall3: '0xcA11bde05977b3631167028862bE2a173976CA11' })
    expect(aaveV3Descriptor.configSchema.parse({ ...valid, chainId: 1, market: 'Ethereum' })).toMatchObject({ chainId: 1, market: 'Ethereum' })
  })

  test('a short pool addresses provider address is refused naming the key', () => {
    expect(issues({ ...valid, poolAddressesProvider: '0x1234' })).toEqual([{ key: 'poolAddressesProvider', message: expect.stringMatching(/0x-prefixed 20-byte hex address/) }])
  })

  test('a user address that is not hex is refused naming the key', () => {
    expect(issues({ ...valid, user: '0xZZ0000000000000000000000000000000000dEaD' })).toEqual([{ key: 'user', message: expect.stringMatching(/wallet/) }])
  })

  test('an ENS name is not an address here', () => {
    expect(issues({ ...valid, user: 'vitalik.eth' }).map((i) => i.key)).toEqual(['user'])
  })

  test('an RPC URL that is not http(s) is refused naming the key', () => {
    expect(issues({ ...valid, rpcUrl: 'wss://eth.example.com' }).map((i) => i.key)).toEqual(['rpcUrl'])
    expect(issues({ ...valid, rpcUrl: 'not a url' }).map((i) => i.key)).toEqual(['rpcUrl'])
  })

  test('missing keys, a bad chain id and an unknown key are each named', () => {
    expect(issues({ rpcUrl: valid.rpcUrl }).map((i) => i.key).sort()).toEqual(['poolAddressesProvider', 'user'])
    expect(issues({ ...valid, chainId: 0 }).map((i) => i.key)).toEqual(['chainId'])
    expect(issues({ ...valid, chainId: '1' }).map((i) => i.key)).toEqual(['chainId'])
    // A typo must not silently drop a setting.
    expect(issues({ ...valid, chainID: 1 })).toEqual([{ key: '', message: expect.stringMatching(/chainID/) }])
  })

  test('the descriptor says what the venue is', () => {
    expect(aaveV3Descriptor).toMatchObject({ id: 'aave-v3', kind: 'defi-lending', supports: { lending: true, positions: false, venueReportsMargin: true } })
    expect(aaveV3Descriptor.docs.length).toBeGreaterThan(0)
  })
})
