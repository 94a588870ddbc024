// The Compound v3 account config: what it accepts, its defaults, and errors that name the key at fault.
import { describe, expect, test } from '@jest/globals'
import { compoundV3Descriptor } from './descriptor.js'

const valid = { rpcUrl: 'https://eth-mainnet.example.com/v2/key', comet: '0xc3d688B66703497DAA19211EEdff47f25384cdc3', account: '0x000000000000000000000000000000000000dEaD' }

function keys(config: unknown): string[] {
  const result = compoundV3Descriptor.configSchema.safeParse(config)
  expect(result.success).toBe(false)
  return result.error!.issues.map((i) => i.path.join('.'))
}

describe('Compound v3 config', () => {
  test('rpcUrl, comet and account suffice; blocks may be 600 s old and prices are in USD by default', () => {
    expect(compoundV3Descriptor.configSchema.parse(valid)).toEqual({ ...valid, maxBlockAgeSeconds: 600, priceCurrency: 'USD' })
    expect(compoundV3Descriptor.configSchema.parse({ ...valid, chainId: 1, maxBlockAgeSeconds: 60, priceCurrency: 'ETH' })).toMatchObject({ chainId: 1, maxBlockAgeSeconds: 60, priceCurrency: 'ETH' })
  })

  test('each bad value is refused naming its key', () => {
    expect(keys({ ...valid, comet: 'cUSDCv3' })).toEqual(['comet'])
    expect(keys({ ...valid, account: '0x1234' })).toEqual(['account'])
    expect(keys({ ...valid, rpcUrl: 'wss://eth.example.com' })).toEqual(['rpcUrl'])
    expect(keys({ ...valid, chainId: 'mainnet' })).toEqual(['chainId'])
    expect(keys({ ...valid, chainId: 0 })).toEqual(['chainId'])
    expect(keys({ ...valid, maxBlockAgeSeconds: -1 })).toEqual(['maxBlockAgeSeconds'])
    expect(keys({ ...valid, priceCurrency: 'usd dollars' })).toEqual(['priceCurrency'])
  })

  test('a missing key is named, and a key Compound does not have is refused', () => {
    expect(keys({ rpcUrl: valid.rpcUrl, account: valid.account })).toEqual(['comet'])
    expect(keys({ ...valid, user: valid.account })).toEqual([''])
  })

  test('the message says what an address must look like', () => {
    const result = compoundV3Descriptor.configSchema.safeParse({ ...valid, comet: 'cUSDCv3' })
    expect(result.error!.issues[0]!.message).toMatch(/Comet proxy as a 0x-prefixed 20-byte hex address/)
  })
})
