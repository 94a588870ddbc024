// What Bybit's key and account answers say about adding an account: which permissions a key carries beyond reading
// (GET /v5/user/query-api) and whether the account is a unified trading account (GET /v5/account/info).
// Sources: https://bybit-exchange.github.io/docs/v5/user/apikey-info ·
// https://bybit-exchange.github.io/docs/v5/account/account-info · https://bybit-exchange.github.io/docs/v5/enum#unifiedmarginstatus

export interface RawApiKeyInfo {
  /** 0: read and write, 1: read only. */
  readOnly: number
  permissions?: Record<string, string[] | undefined>
}

export interface RawAccountInfo {
  /** 1 classic account; 3, 4 unified trading account 1.0 (and pro); 5, 6 unified trading account 2.0 (and pro). */
  unifiedMarginStatus: number
  marginMode?: string
}

const UNIFIED_STATUSES = new Set([3, 4, 5, 6])

export function isUnifiedAccount(unifiedMarginStatus: unknown): boolean {
  return typeof unifiedMarginStatus === 'number' && UNIFIED_STATUSES.has(unifiedMarginStatus)
}

/** Permission groups that place orders or open positions. */
const TRADING_GROUPS = ['ContractTrade', 'Spot', 'Options', 'Derivatives', 'CopyTrading', 'BlockTrade']
/** Permission groups that move money out of the trading account. */
const FUNDS_GROUPS = ['Wallet', 'FiatP2P', 'FiatBitPay', 'FiatConvertBroker', 'FiatGlobalPay', 'BitCard', 'Earn']

function granted(permissions: RawApiKeyInfo['permissions'], groups: string[]): string[] {
  return groups.flatMap((group) => {
    const list = permissions?.[group] ?? []
    return list.length > 0 ? [`${group}: ${list.join(', ')}`] : []
  })
}

/** Plain sentences for each way the key can do more than read; an empty list for a read-only key. */
export function bybitKeyWarnings(key: RawApiKeyInfo): string[] {
  const warnings: string[] = []
  const trading = granted(key.permissions, TRADING_GROUPS)
  const funds = granted(key.permissions, FUNDS_GROUPS)
  if (trading.length > 0) warnings.push(`the Bybit API key can trade (${trading.join('; ')}); crossmargin only reads, so a read-only key is enough`)
  const withdraw = (key.permissions?.Wallet ?? []).includes('Withdraw')
  if (withdraw) warnings.push('the Bybit API key can withdraw funds; create a read-only key without the Withdraw permission')
  if (funds.length > 0) warnings.push(`the Bybit API key can move funds (${funds.join('; ')})`)
  if (key.readOnly !== 1) warnings.push('the Bybit API key is a read-and-write key (readOnly 0); crossmargin needs read-only access')
  return warnings
}
