// The Binance account config: which market, and the NAMES of the environment variables holding the key; every
// refusal names the key at fault.
import { describe, expect, test } from '@jest/globals'
import { binanceDescriptor } from './descriptor.js'

const schema = binanceDescriptor.configSchema
const issuesOf = (config: unknown) => {
  const result = schema.safeParse(config)
  expect(result.success).toBe(false)
  return result.error!.issues.map((i) => ({ key: i.path.join('.'), message: i.message }))
}

describe('binanceDescriptor.configSchema', () => {
  test('a minimal config is USDⓈ-M on mainnet', () => {
    expect(schema.parse({ apiKeyEnv: 'BINANCE_API_KEY', secretEnv: 'BINANCE_SECRET' })).toMatchObject({ market: 'usdm', testnet: false, apiKeyEnv: 'BINANCE_API_KEY', secretEnv: 'BINANCE_SECRET' })
  })

  test('a key pasted where its variable name belongs is refused, naming apiKeyEnv and not echoing it', () => {
    const pasted = 'a1B2c3D4notARealKeyE5f6G7h8'
    const issues = issuesOf({ apiKeyEnv: pasted, secretEnv: 'BINANCE_SECRET' })
    expect(issues.map((i) => i.key)).toEqual(['apiKeyEnv'])
    expect(issues[0]!.message).toMatch(/NAME of an environment variable/)
    expect(JSON.stringify(issues)).not.toContain(pasted)
  })

  test('a missing secret variable name is refused naming secretEnv', () => {
    expect(issuesOf({ apiKeyEnv: 'BINANCE_API_KEY' }).map((i) => i.key)).toEqual(['secretEnv'])
  })

  test('a market Binance futures does not have is refused naming market', () => {
    expect(issuesOf({ market: 'spot', apiKeyEnv: 'K', secretEnv: 'S' }).map((i) => i.key)).toEqual(['market'])
  })

  test('an unknown key is refused rather than silently ignored', () => {
    const issues = issuesOf({ apiKeyEnv: 'K', secretEnv: 'S', apiSecret: 'oops' })
    expect(issues[0]!.message).toContain('apiSecret')
  })

  test('testnet must be a boolean', () => {
    expect(issuesOf({ apiKeyEnv: 'K', secretEnv: 'S', testnet: 'yes' }).map((i) => i.key)).toEqual(['testnet'])
  })
})
