// What OKX's account configuration (GET /api/v5/account/config) says about adding an account: the key's permissions
// (`perm`: "read_only,trade,withdraw") and the account mode (`acctLv`), of which spot mode holds no derivatives.
// Source: https://www.okx.com/docs-v5/en/#trading-account-rest-api-get-account-configuration
import type { z } from 'zod'
import type { AccountConfigSchema } from './payloads.js'

/** GET /api/v5/account/config's row, as ./payloads.ts checks it. */
export type RawAccountConfig = z.infer<typeof AccountConfigSchema>

const ACCOUNT_MODES: Record<string, string> = { '1': 'spot mode', '2': 'futures mode', '3': 'multi-currency margin', '4': 'portfolio margin' }

export function okxAccountWarnings(config: RawAccountConfig): string[] {
  const permissions = new Set(config.perm.split(',').map((p) => p.trim()).filter(Boolean))
  const warnings: string[] = []
  if (permissions.has('trade')) warnings.push('the OKX API key can trade (perm "trade"); crossmargin only reads, so a read-only key is enough')
  if (permissions.has('withdraw')) warnings.push('the OKX API key can withdraw funds (perm "withdraw"); create a read-only key')
  // crossmargin reads swap positions; in spot mode the account can hold none, so its margin figures stay empty.
  if (config.acctLv === '1') warnings.push('the OKX account is in spot mode (acctLv 1): it can hold no derivatives positions, so no margin figures will show until it switches to futures, multi-currency or portfolio margin mode')
  else if (!(config.acctLv in ACCOUNT_MODES)) warnings.push(`the OKX account mode acctLv ${config.acctLv} is not one crossmargin knows; its margin figures may not be read right`)
  return warnings
}
