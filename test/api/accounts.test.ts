// Managing portfolios and accounts through GraphQL: bad input is refused naming the field and stores nothing.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { z } from 'zod'
import { createTestDatabase, type TestDatabase } from '../support/databases.js'
import { startTestApi, type TestApi } from '../support/api.js'
import type { AnyVenueConnector } from '../../venues/types.js'

// Only the descriptor's config schema matters to addAccount; this venue is never fetched here.
const validatingOnly: AnyVenueConnector = {
  descriptor: {
    id: 'example-chain',
    displayName: 'Example',
    kind: 'defi-lending',
    supports: { positions: false, lending: true, options: false, venueReportsMargin: true },
    configSchema: z.strictObject({ rpcUrl: z.url(), user: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address') }),
    rateBudget: { requestsPerSecond: 10, weightPerMinute: null },
    docs: [],
  },
  createClient: () => {
    throw new Error('not fetched in this test')
  },
  fetchAccount: () => Promise.reject(new Error('not fetched in this test')),
}

describe('portfolio and account mutations', () => {
  let db: TestDatabase
  let api: TestApi
  beforeAll(async () => {
    db = await createTestDatabase('pglite')
    api = await startTestApi(db, { venues: { 'example-chain': validatingOnly }, allowPrivateVenueUrls: true })
  })
  afterAll(async () => {
    await api?.close()
    await db?.destroy()
  })

  const ADD = `mutation ($input: AddAccountInput!) { addAccount(input: $input) { id venue label status } }`

  test('creates a portfolio and adds an account with a valid config', async () => {
    const created = await api.query<{ createPortfolio: { id: string } }>(`mutation { createPortfolio(name: "Fund") { id } }`)
    const portfolioId = created.data!.createPortfolio.id
    const res = await api.query<{ addAccount: { venue: string; label: string; status: string } }>(ADD, {
      input: { portfolioId, venue: 'example-chain', label: 'main', config: { rpcUrl: 'http://127.0.0.1:8545', user: `0x${'ab'.repeat(20)}` } },
    })
    expect(res.errors).toBeUndefined()
    expect(res.data!.addAccount).toMatchObject({ venue: 'example-chain', label: 'main', status: 'PENDING' })
  })

  test.each([
    [{ venue: 'nope' }, 'input.venue'],
    [{ config: { rpcUrl: 'http://127.0.0.1:8545', user: '0x123' } }, 'input.config.user'],
    [{ config: { rpcUrl: 'http://127.0.0.1:8545', user: `0x${'ab'.repeat(20)}`, extra: 1 } }, 'input.config.extra'],
    [{ portfolioId: 'missing' }, 'input.portfolioId'],
    [{ label: '  ' }, 'input.label'],
  ])('refuses %j naming %s, and stores nothing', async (override, field) => {
    const portfolio = await db.prisma.portfolio.create({ data: { name: `P-${field}` } })
    const before = await db.prisma.account.count()
    const res = await api.query(ADD, {
      input: { portfolioId: portfolio.id, venue: 'example-chain', label: 'x', config: { rpcUrl: 'http://127.0.0.1:8545', user: `0x${'cd'.repeat(20)}` }, ...override },
    })
    expect(res.errors?.[0]?.extensions?.code).toBe('INVALID_INPUT')
    expect(res.errors?.[0]?.extensions?.field).toBe(field)
    expect(res.errors?.[0]?.message).toContain(field)
    expect(await db.prisma.account.count()).toBe(before)
  })

  test('a duplicate label in one portfolio is refused', async () => {
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Dup' } })
    const input = { portfolioId: portfolio.id, venue: 'example-chain', label: 'same', config: { rpcUrl: 'http://127.0.0.1:8545', user: `0x${'ef'.repeat(20)}` } }
    expect((await api.query(ADD, { input })).errors).toBeUndefined()
    const again = await api.query(ADD, { input })
    expect(again.errors?.[0]?.extensions?.field).toBe('input.label')
  })

  test('removing an account removes its snapshots; removing it twice is NOT_FOUND', async () => {
    const portfolio = await db.prisma.portfolio.create({ data: { name: 'Rm' } })
    const account = await db.prisma.account.create({ data: { portfolioId: portfolio.id, venue: 'example-chain', label: 'rm', config: {} } })
    await db.prisma.snapshot.create({ data: { accountId: account.id, status: 'failed', asOf: new Date(), durationMs: 1, error: 'x' } })
    const res = await api.query(`mutation ($id: ID!) { removeAccount(id: $id) }`, { id: account.id })
    expect(res.data).toEqual({ removeAccount: true })
    expect(await db.prisma.snapshot.count({ where: { accountId: account.id } })).toBe(0)
    const again = await api.query(`mutation ($id: ID!) { removeAccount(id: $id) }`, { id: account.id })
    expect(again.errors?.[0]?.extensions?.code).toBe('NOT_FOUND')
  })
})
