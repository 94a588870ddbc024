// The GMX v2 account config: what it accepts, the deployment it resolves to, and errors that name the key at fault.
import { describe, expect, test } from '@jest/globals'
import { gmxV2Descriptor, resolveDeployment } from './descriptor.js'

const valid = { chain: 'arbitrum', account: '0x000000000000000000000000000000000000dEaD', rpcUrl: 'https://arb-mainnet.example.com/v2/key' }

function issues(config: unknown) {
  const result = gmxV2Descriptor.configSchema.safeParse(config)
  expect(result.success).toBe(false)
  return result.error!.issues.map((i) => ({ key: i.path.join('.'), message: i.message }))
}

describe('GMX v2 config', () => {
  test('chain, account and rpcUrl suffice; the block-age limit defaults to 120 s', () => {
    expect(gmxV2Descriptor.configSchema.parse(valid)).toEqual({ ...valid, maxBlockAgeSeconds: 120 })
  })

  test('an unknown chain is refused naming the key and the chains there are', () => {
    expect(issues({ ...valid, chain: 'ethereum' })).toEqual([{ key: 'chain', message: 'must be one of arbitrum, avalanche' }])
  })

  test('an invalid account address is refused naming the key', () => {
    expect(issues({ ...valid, account: '0x1234' })).toEqual([{ key: 'account', message: expect.stringMatching(/0x-prefixed 20-byte hex address/) }])
  })

  test('an invalid contract override is refused naming its key', () => {
    expect(issues({ ...valid, reader: 'reader.eth' }).map((i) => i.key)).toEqual(['reader'])
    expect(issues({ ...valid, dataStore: '0xZZ' }).map((i) => i.key)).toEqual(['dataStore'])
    expect(issues({ ...valid, referralStorage: 42 }).map((i) => i.key)).toEqual(['referralStorage'])
  })

  test('the RPC and API URLs must be http(s)', () => {
    expect(issues({ ...valid, rpcUrl: 'wss://arb.example.com' }).map((i) => i.key)).toEqual(['rpcUrl'])
    expect(issues({ ...valid, apiUrl: 'ftp://gmx.example.com' }).map((i) => i.key)).toEqual(['apiUrl'])
  })

  test('a key GMX does not have is refused', () => {
    expect(issues({ ...valid, user: valid.account }).map((i) => i.key)).toEqual([''])
  })

  test('each chain resolves to GMX’s mainnet deployment (gmx-synthetics deployments/, config/overwrite.ts)', () => {
    expect(resolveDeployment(gmxV2Descriptor.configSchema.parse(valid))).toEqual({
      chainId: 42161,
      apiUrl: 'https://arbitrum-api.gmxinfra.io',
      reader: '0x470fbC46bcC0f16532691Df360A07d8Bf5ee0789',
      dataStore: '0xFD70de6b91282D8017aA4E741e9Ae325CAb992d8',
      referralStorage: '0xe6fab3F0c7199b0d34d7FbE83394fc0e0D06e99d',
    })
    expect(resolveDeployment(gmxV2Descriptor.configSchema.parse({ ...valid, chain: 'avalanche' }))).toEqual({
      chainId: 43114,
      apiUrl: 'https://avalanche-api.gmxinfra.io',
      reader: '0x62Cb8740E6986B29dC671B2EB596676f60590A5B',
      dataStore: '0x2F0b22339414ADeD7D5F06f9D604c7fF5b2fe3f6',
      referralStorage: '0x827ED045002eCdAbEb6e2b0d1604cf5fC3d322F8',
    })
  })

  test('overrides replace the defaults one by one', () => {
    const reader = '0x1000000000000000000000000000000000000001'
    const resolved = resolveDeployment(gmxV2Descriptor.configSchema.parse({ ...valid, reader, apiUrl: 'http://127.0.0.1:9999' }))
    expect(resolved).toMatchObject({ reader, apiUrl: 'http://127.0.0.1:9999', dataStore: '0xFD70de6b91282D8017aA4E741e9Ae325CAb992d8' })
  })
})
