// Over the API, secrets are given inline: an account cannot name an environment variable of the server (its master
// key, its DATABASE_URL) and have the server read it and send it to a venue, nor probe which variables exist.
import { randomBytes } from 'node:crypto'
import { describe, expect, test } from '@jest/globals'
import { useTestApi } from '../support/api.js'
import { encryptCredentials } from '../../core/credentials.js'
import { venueConnectors } from '../../venues/index.js'

describe('credentials over the API', () => {
  const key = randomBytes(32)
  const t = useTestApi('pglite', {
    venues: venueConnectors,
    sealCredentials: (plain) => encryptCredentials(plain, key),
    verifyAccount: async () => ({ warnings: [] }),
  })
  const ADD = `mutation ($input: AddAccountInput!) { addAccount(input: $input) { id } }`

  test.each([
    ['the master key', { market: 'usdm', apiKeyEnv: 'CROSSMARGIN_SECRET_KEY', secretEnv: 'DATABASE_URL' }, undefined, 'CROSSMARGIN_SECRET_KEY'],
    ['one name given, one not', { market: 'usdm', apiKeyEnv: 'MY_KEY', secretEnv: 'DATABASE_URL' }, { MY_KEY: 'k' }, 'DATABASE_URL'],
  ])('a config naming %s without its value inline is refused, naming what to give, and nothing is stored', async (_what, config, credentials, missing) => {
    const portfolio = await t.db.prisma.portfolio.create({ data: { name: `P ${missing} ${Math.random()}` } })
    const res = await t.api.query(ADD, { input: { portfolioId: portfolio.id, venue: 'binance', label: 'b', config, credentials } })
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_INPUT', field: `input.credentials.${missing}` })
    expect(res.errors?.[0]?.message).not.toMatch(/is not set/)
    expect(await t.db.prisma.account.count({ where: { portfolioId: portfolio.id } })).toBe(0)
  })

  test('a config whose every name has its value inline is stored', async () => {
    const portfolio = await t.db.prisma.portfolio.create({ data: { name: 'Inline' } })
    const res = await t.api.query<{ addAccount: { id: string } }>(ADD, { input: { portfolioId: portfolio.id, venue: 'binance', label: 'b', config: { market: 'usdm', apiKeyEnv: 'K', secretEnv: 'S' }, credentials: { K: 'key', S: 'secret' } } })
    expect(res.errors).toBeUndefined()
    expect(res.data!.addAccount.id).toBeTruthy()
  })
})

describe('venue URLs over the API', () => {
  const t = useTestApi('pglite', { venues: venueConnectors, verifyAccount: async () => ({ warnings: [] }) })
  const ADD = `mutation ($input: AddAccountInput!) { addAccount(input: $input) { id } }`

  test.each([
    ['hyperliquid', { user: `0x${'1'.repeat(40)}`, apiUrl: 'http://127.0.0.1:5432' }, 'apiUrl'],
    ['dydx-v4', { address: 'dydx1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq', subaccountNumber: 0, indexerUrl: 'http://169.254.169.254/latest' }, 'indexerUrl'],
    ['aave-v3', { rpcUrl: 'http://[::127.0.0.1]:8545', poolAddressesProvider: `0x${'2'.repeat(40)}`, user: `0x${'3'.repeat(40)}` }, 'rpcUrl'],
  ])('%s with a private %s is refused, naming the key, and nothing is stored', async (venue, config, key) => {
    const portfolio = await t.db.prisma.portfolio.create({ data: { name: `SSRF ${venue}` } })
    const res = await t.api.query(ADD, { input: { portfolioId: portfolio.id, venue, label: 'x', config } })
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_INPUT', field: `input.config.${key}` })
    expect(res.errors?.[0]?.message).toMatch(/private or reserved address/)
    expect(await t.db.prisma.account.count({ where: { portfolioId: portfolio.id } })).toBe(0)
  })
})
