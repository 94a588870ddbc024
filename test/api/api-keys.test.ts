// API keys scoped to portfolios, through the real server over HTTP and WebSocket: a server that requires keys
// refuses requests without one; a scoped key sees and changes only its portfolios and cannot tell others exist;
// an admin key manages keys; a revoked key stops working at once; the key itself is never stored or shown again.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { WebSocket } from 'ws'
import { createClient } from 'graphql-ws'
import { generateApiKey, hashApiKey } from '../../api/access.js'
import { PortfolioEvents } from '../../core/events.js'
import { openDatabase } from '../../core/db/client.js'
import { startApiServer, type ApiServer } from '../../api/server.js'
import { silentLogger } from '../../core/logger.js'
import { createTestDatabase, type TestDatabase } from '../support/databases.js'
import type { GraphqlResponse } from '../support/api.js'

async function post<T = Record<string, unknown>>(server: ApiServer, query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>) {
  const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) })
  return { status: response.status, body: (await response.json()) as GraphqlResponse<T> }
}
const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

describe('a server that requires API keys', () => {
  let db: TestDatabase
  let server: ApiServer
  let adminKey: string
  const ids = { fundA: '', fundB: '', accountB: '' }

  beforeAll(async () => {
    db = await createTestDatabase('pglite')
    const fundA = await db.prisma.portfolio.create({ data: { name: 'Fund A' } })
    const fundB = await db.prisma.portfolio.create({ data: { name: 'Fund B' } })
    const accountB = await db.prisma.account.create({ data: { portfolioId: fundB.id, venue: 'hyperliquid', label: 'hl', config: { user: `0x${'1'.repeat(40)}` } } })
    Object.assign(ids, { fundA: fundA.id, fundB: fundB.id, accountB: accountB.id })
    const admin = generateApiKey()
    await db.prisma.apiKey.create({ data: { name: 'ops', hash: admin.hash, admin: true } })
    adminKey = admin.secret
    server = await startApiServer(
      // A short sweep, so a revocation made outside this process is seen within the test.
      { prisma: db.prisma, logger: silentLogger(), venues: {}, now: () => new Date(), requireApiKey: true, events: new PortfolioEvents(), revocationSweepMs: 200 },
      { host: '127.0.0.1', port: 0 },
    )
  })
  afterAll(async () => {
    await server?.close()
    await db?.destroy()
  })

  test('no key, or a key the server does not know, is a 401 naming what is missing', async () => {
    const none = await post(server, '{ portfolios { id } }')
    expect(none.status).toBe(401)
    expect(none.body.errors![0]).toMatchObject({ extensions: { code: 'UNAUTHORIZED' } })
    expect(none.body.errors![0]!.message).toMatch(/requires an API key/)
    const wrong = await post(server, '{ portfolios { id } }', { 'x-api-key': 'cmk_not-a-key' })
    expect(wrong.status).toBe(401)
    expect(wrong.body.errors![0]!.message).toMatch(/not valid/)
  })

  test('an admin key sees every portfolio and creates a key scoped to one; the key is returned once and stored only hashed', async () => {
    const all = await post<{ portfolios: { name: string }[] }>(server, '{ portfolios { name } }', bearer(adminKey))
    expect(all.body.data!.portfolios.map((p) => p.name)).toEqual(['Fund A', 'Fund B'])
    const created = await post<{ createApiKey: { key: string; apiKey: { id: string; portfolioIds: string[]; admin: boolean } } }>(
      server,
      'mutation($p: [ID!]!) { createApiKey(input: { name: "app", portfolioIds: $p }) { key apiKey { id portfolioIds admin } } }',
      bearer(adminKey),
      { p: [ids.fundA] },
    )
    const { key, apiKey } = created.body.data!.createApiKey
    expect(apiKey).toMatchObject({ portfolioIds: [ids.fundA], admin: false })
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })
    expect(row.hash).toBe(hashApiKey(key))
    expect(JSON.stringify(row)).not.toContain(key)
    const listed = await post(server, '{ apiKeys { id name admin lastUsedAt } }', bearer(adminKey))
    expect(JSON.stringify(listed.body)).not.toContain(key)
    // The hash has no field: asking for it is a validation error, not an answer.
    expect((await post(server, '{ apiKeys { hash } }', bearer(adminKey))).body.errors![0]!.message).toMatch(/Cannot query field "hash"/)
  })

  test('a scoped key sees its portfolio only, and others answer exactly as ones that do not exist', async () => {
    const key = await scopedKey(ids.fundA)
    const list = await post<{ portfolios: { id: string }[] }>(server, '{ portfolios { id } }', bearer(key))
    expect(list.body.data!.portfolios).toEqual([{ id: ids.fundA }])
    const other = await post(server, 'query($id: ID!) { portfolio(id: $id) { id } }', bearer(key), { id: ids.fundB })
    expect(other.body).toEqual({ data: { portfolio: null } })
    expect((await post(server, 'query($id: ID!) { account(id: $id) { id } }', bearer(key), { id: ids.accountB })).body).toEqual({ data: { account: null } })

    const addToOther = await post(server, 'mutation($p: ID!) { addAccount(input: { portfolioId: $p, venue: "x", label: "x", config: {} }) { id } }', bearer(key), { p: ids.fundB })
    const addToNothing = await post(server, 'mutation($p: ID!) { addAccount(input: { portfolioId: $p, venue: "x", label: "x", config: {} }) { id } }', bearer(key), { p: 'no-such-portfolio' })
    // Same code either way (the venue check comes first on both); no hint that Fund B exists.
    expect(addToOther.body.errors![0]!.extensions!.code).toBe(addToNothing.body.errors![0]!.extensions!.code)
    const remove = await post(server, 'mutation($id: ID!) { removeAccount(id: $id) }', bearer(key), { id: ids.accountB })
    expect(remove.body.errors![0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } })
    expect(await db.prisma.account.count({ where: { id: ids.accountB } })).toBe(1)
  })

  test('a scoped key cannot create portfolios or manage keys', async () => {
    const key = await scopedKey(ids.fundA)
    for (const query of ['mutation { createPortfolio(name: "mine") { id } }', '{ apiKeys { id } }', 'mutation { createApiKey(input: { name: "x", admin: true }) { key } }']) {
      const answer = await post(server, query, bearer(key))
      expect(answer.body.errors![0]).toMatchObject({ extensions: { code: 'UNAUTHORIZED' } })
      expect(answer.body.errors![0]!.message).toMatch(/needs an admin API key/)
    }
    expect(await db.prisma.portfolio.count()).toBe(2)
  })

  test('a revoked key is refused on its next request', async () => {
    const key = await scopedKey(ids.fundA)
    expect((await post(server, '{ portfolios { id } }', bearer(key))).status).toBe(200)
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { hash: hashApiKey(key) } })
    expect(row.lastUsedAt).not.toBeNull()
    await post(server, 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', bearer(adminKey), { id: row.id })
    expect((await post(server, '{ portfolios { id } }', bearer(key))).status).toBe(401)
  })

  test('over WebSocket: no key closes the connection; a scoped key cannot subscribe to another portfolio', async () => {
    const url = server.url.replace('http://', 'ws://')
    const refused = await new Promise<{ code: number }>((resolve) => {
      const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, on: { closed: (event) => resolve(event as { code: number }) } })
      client.on('connected', () => resolve({ code: 0 }))
    })
    expect(refused.code).toBe(4403)

    const key = await scopedKey(ids.fundA)
    const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${key}` } })
    try {
      const errors = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: `subscription { accountUpdated(portfolioId: "${ids.fundB}") { id } }` }, { next: (r) => resolve(r.errors), error: resolve, complete: () => resolve(null) })
      })
      expect(errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })])
    } finally {
      await client.dispose()
    }
  })

  /** A subscription opened with `key`; resolves with the close code when the server closes the socket. */
  async function openSubscription(key: string, portfolioId: string): Promise<{ closed: Promise<number> }> {
    let closedWith: (code: number) => void = () => undefined
    const closed = new Promise<number>((resolve) => (closedWith = resolve))
    const client = createClient({ url: server.url.replace('http://', 'ws://'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, connectionParams: { authorization: `Bearer ${key}` }, on: { closed: (event) => closedWith((event as { code: number }).code) } })
    await new Promise<void>((resolve, reject) => {
      client.on('connected', () => resolve())
      client.on('error', reject)
    })
    client.subscribe({ query: `subscription { accountUpdated(portfolioId: "${portfolioId}") { id } }` }, { next: () => undefined, error: () => undefined, complete: () => undefined })
    return { closed }
  }

  test('revoking a key closes its open subscriptions at once; a key revoked elsewhere (the CLI) within the sweep', async () => {
    const key = await scopedKey(ids.fundA)
    const { closed } = await openSubscription(key, ids.fundA)
    const id = (await db.prisma.apiKey.findUniqueOrThrow({ where: { hash: hashApiKey(key) } })).id
    await post(server, 'mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', bearer(adminKey), { id })
    expect(await closed).toBe(4403)

    // Revoked in the database directly, as `npm run api-key -- revoke` or another API process does: the sweep sees it.
    const other = await scopedKey(ids.fundA)
    const second = await openSubscription(other, ids.fundA)
    await db.prisma.apiKey.update({ where: { hash: hashApiKey(other) }, data: { revokedAt: new Date() } })
    expect(await second.closed).toBe(4403)
  })

  async function scopedKey(portfolioId: string): Promise<string> {
    const created = await post<{ createApiKey: { key: string } }>(server, 'mutation($p: [ID!]!) { createApiKey(input: { name: "scoped", portfolioIds: $p }) { key } }', bearer(adminKey), { p: [portfolioId] })
    return created.body.data!.createApiKey.key
  }
})

describe('a local server that does not require keys', () => {
  let db: TestDatabase
  let server: ApiServer
  beforeAll(async () => {
    db = await createTestDatabase('pglite')
    await db.prisma.portfolio.create({ data: { name: 'Mine' } })
    server = await startApiServer({ prisma: db.prisma, logger: silentLogger(), venues: {}, now: () => new Date() }, { host: '127.0.0.1', port: 0 })
  })
  afterAll(async () => {
    await server?.close()
    await db?.destroy()
  })

  test('no key is full access, but a wrong key is still refused rather than ignored', async () => {
    expect((await post<{ portfolios: unknown[] }>(server, '{ portfolios { id } }')).body.data!.portfolios).toHaveLength(1)
    expect((await post(server, '{ portfolios { id } }', bearer('cmk_typo'))).status).toBe(401)
  })
})

describe('npm run api-key', () => {
  test('creates an admin key on the configured database and prints it once; the database holds only its hash', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'crossmargin-api-key-'))
    try {
      const env = { ...process.env, CROSSMARGIN_DATA_DIR: dataDir, DATABASE_URL: '' }
      const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/api-key.ts', 'create', '--name', 'ops', '--admin'], { env })
      const key = /key \(shown once, store it now\): (cmk_\S+)/.exec(stdout)![1]!
      const db = await openDatabase({ kind: 'pglite', dataDir })
      try {
        const rows = await db.prisma.apiKey.findMany()
        expect(rows).toEqual([expect.objectContaining({ name: 'ops', admin: true, hash: hashApiKey(key) })])
      } finally {
        await db.close()
      }
      const refused = await promisify(execFile)('npx', ['tsx', 'scripts/api-key.ts', 'create', '--name', 'x'], { env }).then(
        () => null,
        (error: { code: number; stderr: string }) => error,
      )
      expect(refused).toMatchObject({ code: 2, stderr: expect.stringMatching(/--admin or at least one --portfolio/) })
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
