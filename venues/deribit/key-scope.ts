// What a Deribit API key may do, asked before the account is stored: public/auth with the client_signature grant
// (the secret signs, never travels) answers the key's scope (https://docs.deribit.com/#public-auth,
// https://docs.deribit.com/#access-scope). crossmargin only reads; a key that can trade, move funds or change the
// account is accepted with a warning.
import { createHmac, randomBytes } from 'node:crypto'
import { InvalidInput, Unauthorized } from '../../core/errors.js'
import type { AccountVerification, FetchContext } from '../types.js'
import { callCcxt } from '../ccxt-errors.js'
import type { DeribitClient } from './connector.js'
import type { DeribitConfig } from './descriptor.js'

/** Scopes beyond reading, in the words the warning uses. */
const WRITE_SCOPES: [string, string][] = [
  ['trade:read_write', 'trade'],
  ['wallet:read_write', 'withdraw and transfer funds'],
  ['account:read_write', 'change the account and its subaccounts'],
  ['block_trade:read_write', 'make block trades'],
]

export async function verifyDeribitKey(client: DeribitClient, _config: DeribitConfig, ctx: FetchContext): Promise<AccountVerification> {
  const { apiKey, secret } = client.exchange
  if (!apiKey || !secret) throw new Unauthorized('deribit: no client id or secret to check')
  const timestamp = String(ctx.now().getTime())
  const nonce = randomBytes(8).toString('hex')
  const signature = createHmac('sha256', secret).update(`${timestamp}\n${nonce}\n`).digest('hex')
  const ex = client.exchange as unknown as { publicGetAuth(params: object): Promise<{ result?: { scope?: string } }> }
  const answer = await callCcxt('deribit', client, 'checking the key’s scope', () => ex.publicGetAuth({ grant_type: 'client_signature', client_id: apiKey, timestamp, nonce, signature, data: '' }))
  const scope = answer?.result?.scope
  if (typeof scope !== 'string') throw new InvalidInput('clientIdEnv', 'Deribit answered the key check without a scope')
  const granted = scope.split(/\s+/)
  const can = WRITE_SCOPES.filter(([s]) => granted.includes(s)).map(([, words]) => words)
  return { warnings: can.length > 0 ? [`this Deribit key can ${can.join(', ')}; crossmargin only reads, so a key with read scopes only is safer`] : [] }
}
