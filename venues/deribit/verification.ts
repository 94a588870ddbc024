// What Deribit says about an account before it is stored: what the API key may do, and whether the configured
// currency is one Deribit knows.
// - public/auth with the client_signature grant (the secret signs a timestamp and nonce, never travels) answers the
//   key's scope (https://docs.deribit.com/#public-auth, https://docs.deribit.com/articles/access-scope). crossmargin
//   only reads; a key that can trade, move funds or change the account is accepted with a warning. 13004
//   invalid_credentials is a rejected key (Unauthorized, through the shared ccxt mapping).
// - public/get_currencies lists every currency the `currency` parameter accepts; Deribit asks clients to read it at
//   run time rather than trust a fixed list (https://docs.deribit.com/articles/currency-parameter).
import { createHmac, randomBytes } from 'node:crypto'
import { InvalidInput, Unauthorized } from '../../core/errors.js'
import type { AccountVerification, FetchContext } from '../types.js'
import { parsePayload } from '../payload.js'
import { AuthAnswerSchema, CurrenciesAnswerSchema } from './payloads.js'
import { callDeribit } from './errors.js'
import type { DeribitClient } from './connector.js'
import type { DeribitConfig } from './descriptor.js'

/** Write scopes, each with what it lets a key holder do (read-only scopes end in `:read`, or `:none`). */
const WRITE_SCOPES: [scope: string, can: string][] = [
  ['trade:read_write', 'trade'],
  ['wallet:read_write', 'withdraw and transfer funds'],
  ['account:read_write', 'change the account and its subaccounts'],
  ['block_trade:read_write', 'make block trades'],
  ['block_rfq:read_write', 'request and quote block RFQs'],
  ['custody:read_write', 'move funds to and from custody'],
]

/** Plain sentence for a scope string's write grants; null for a read-only key. */
export function deribitScopeWarning(scope: string): string | null {
  const granted = new Set(scope.split(/\s+/))
  const can = WRITE_SCOPES.filter(([s]) => granted.has(s)).map(([, words]) => words)
  return can.length > 0 ? `this Deribit key can ${can.join(', ')}; crossmargin only reads, so a key with read scopes only is safer` : null
}

async function keyScope(client: DeribitClient, ctx: FetchContext): Promise<string> {
  const { apiKey, secret } = client.exchange
  if (!apiKey || !secret) throw new Unauthorized('deribit: no client id or secret to check')
  const timestamp = String(ctx.now().getTime())
  const nonce = randomBytes(8).toString('hex')
  // StringToSign = timestamp \n nonce \n data (empty): https://docs.deribit.com/articles/authentication
  const signature = createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n`).digest('hex')
  const answer = await callDeribit(client, 'checking the key’s scope', () => client.exchange.publicGetAuth({ grant_type: 'client_signature', client_id: apiKey, timestamp, nonce, signature, data: '' }))
  return parsePayload('deribit', AuthAnswerSchema, answer, 'key check').result.scope
}

async function knownCurrencies(client: DeribitClient): Promise<Set<string>> {
  const answer = await callDeribit(client, 'listing its currencies', () => client.exchange.publicGetGetCurrencies({}))
  return new Set(parsePayload('deribit', CurrenciesAnswerSchema, answer, 'currency list').result.map((c) => c.currency))
}

export async function verifyDeribitAccount(client: DeribitClient, config: DeribitConfig, ctx: FetchContext): Promise<AccountVerification> {
  const scope = await keyScope(client, ctx)
  const currencies = await knownCurrencies(client)
  if (!currencies.has(config.currency)) {
    throw new InvalidInput('currency', `Deribit${config.testnet ? ' testnet' : ''} does not list ${config.currency} among its currencies (${[...currencies].sort().join(', ')})`)
  }
  const warning = deribitScopeWarning(scope)
  return { warnings: warning ? [warning] : [] }
}
