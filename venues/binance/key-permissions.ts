// What an API key may do, asked of Binance before the account is stored: crossmargin only reads, so a key that can
// trade, move funds or withdraw is a risk the user should hear about (it is still accepted).
// GET /sapi/v1/account/apiRestrictions: https://developers.binance.com/docs/wallet/account/api-key-permission
import { z } from 'zod'
import type { AccountVerification, FetchContext } from '../types.js'
import { callCcxt } from '../ccxt-errors.js'
import type { BinanceClient } from './connector.js'
import type { BinanceConfig } from './descriptor.js'
import { readPayload } from './payloads.js'

const RawRestrictionsSchema = z.looseObject({
  enableReading: z.boolean().optional(),
  enableWithdrawals: z.boolean().optional(),
  enableInternalTransfer: z.boolean().optional(),
  permitsUniversalTransfer: z.boolean().optional(),
  enableFutures: z.boolean().optional(),
  enablePortfolioMarginTrading: z.boolean().optional(),
  enableSpotAndMarginTrading: z.boolean().optional(),
  enableMargin: z.boolean().optional(),
  enableVanillaOptions: z.boolean().optional(),
  ipRestrict: z.boolean().optional(),
})

/** Each permission beyond reading, in the words the warning uses. */
const BEYOND_READING: [keyof z.infer<typeof RawRestrictionsSchema>, string][] = [
  ['enableWithdrawals', 'withdraw funds'],
  ['enableInternalTransfer', 'transfer funds between accounts'],
  ['permitsUniversalTransfer', 'make universal transfers'],
  ['enableFutures', 'trade futures'],
  ['enablePortfolioMarginTrading', 'trade with portfolio margin'],
  ['enableSpotAndMarginTrading', 'trade spot and margin'],
  ['enableMargin', 'borrow on margin'],
  ['enableVanillaOptions', 'trade options'],
]

export async function verifyBinanceKey(client: BinanceClient, _config: BinanceConfig, ctx: FetchContext): Promise<AccountVerification> {
  const restrictions = await callCcxt('binance', client, 'reading the API key permissions', async () => readPayload(RawRestrictionsSchema, await client.exchange.sapiGetAccountApiRestrictions(), 'API key permissions'))
  ctx.signal.throwIfAborted()
  const granted = BEYOND_READING.filter(([flag]) => restrictions[flag] === true).map(([, words]) => words)
  const warnings: string[] = []
  if (granted.length > 0) warnings.push(`this Binance API key can ${granted.join(', ')}; crossmargin only reads, so a read-only key is safer`)
  // Binance turns off some permissions for keys without an IP allow-list; one with it is the safer kind too.
  if (granted.length > 0 && restrictions.ipRestrict === false) warnings.push('this Binance API key is not restricted to IP addresses')
  return { warnings }
}
