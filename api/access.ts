// Who is asking, and which portfolios they may see. A request either carries an API key (Authorization: Bearer …
// or X-API-Key) or, on a server that does not require keys (a local install), none. A key is scoped to a list of
// portfolios, or is an admin key that sees every portfolio and manages keys. A portfolio outside the caller's scope
// answers exactly as one that does not exist, so a key cannot probe for others' ids.
import { createHash, randomBytes } from 'node:crypto'
import type { PrismaClient } from '../generated/prisma/client.js'
import { Unauthorized } from '../core/errors.js'

export type Access =
  /** No key on a server that does not require one: everything, as the single user of a local install. */
  | { kind: 'open' }
  | { kind: 'key'; keyId: string; admin: boolean; portfolioIds: ReadonlySet<string> }

export const OPEN_ACCESS: Access = { kind: 'open' }

const KEY_PREFIX = 'cmk_'

/** A new key: the secret to show once, and the hash that is all we store. */
export function generateApiKey(): { secret: string; hash: string } {
  const secret = KEY_PREFIX + randomBytes(32).toString('base64url')
  return { secret, hash: hashApiKey(secret) }
}

/** Keys are 256 random bits, so a plain SHA-256 (no salt, no stretching) is enough to make the stored hash useless. */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

/** The key a request presents, from `Authorization: Bearer <key>` or `X-API-Key`, or null. */
export function presentedKey(headers: Record<string, unknown>): string | null {
  const header = (name: string) => {
    const value = headers[name] ?? headers[name.toLowerCase()]
    return typeof value === 'string' ? value.trim() : null
  }
  const authorization = header('authorization')
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization)
    if (match) return match[1]!
  }
  return header('x-api-key') || null
}

/**
 * The caller's access. A presented key must be valid and unrevoked even where keys are optional: a wrong key is a
 * mistake to report, never a reason to fall back to open access.
 */
export async function resolveAccess(prisma: PrismaClient, key: string | null, options: { requireKey: boolean; now: () => Date }): Promise<Access> {
  if (key === null) {
    if (options.requireKey) throw new Unauthorized('this server requires an API key (Authorization: Bearer <key> or X-API-Key)')
    return OPEN_ACCESS
  }
  const stored = await prisma.apiKey.findUnique({ where: { hash: hashApiKey(key) } })
  if (!stored || stored.revokedAt) throw new Unauthorized('the API key is not valid (unknown or revoked)')
  // Best effort: a failed timestamp must not refuse a valid key.
  await prisma.apiKey.update({ where: { id: stored.id }, data: { lastUsedAt: options.now() } }).catch(() => undefined)
  return { kind: 'key', keyId: stored.id, admin: stored.admin, portfolioIds: new Set(stored.portfolioIds) }
}

export function seesAllPortfolios(access: Access): boolean {
  return access.kind === 'open' || access.admin
}

export function canSeePortfolio(access: Access, portfolioId: string): boolean {
  return seesAllPortfolios(access) || (access.kind === 'key' && access.portfolioIds.has(portfolioId))
}

/** A Prisma `where` on portfolio id limiting a query to the caller's portfolios (empty: no limit). */
export function portfolioScope(access: Access): { in: string[] } | undefined {
  return seesAllPortfolios(access) || access.kind !== 'key' ? undefined : { in: [...access.portfolioIds] }
}

/** Creating portfolios and managing keys: an admin key, or a local install without keys. */
export function requireAdmin(access: Access, action: string): void {
  if (!seesAllPortfolios(access)) throw new Unauthorized(`${action} needs an admin API key`)
}
