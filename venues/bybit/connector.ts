// Bybit unified trading account through ccxt's implicit v5 endpoints (the unified API drops Bybit's account and
// position margin figures): wallet balance, linear positions, and each held symbol's risk-limit tiers.
import ccxt, { type bybit as BybitExchange } from 'ccxt'
import { canonicalAsset } from '../../core/assets.js'
import { Decimal, parseDecimal, parseOptionalDecimal } from '../../core/decimal.js'
import { marginFigures, type Balance, type Position, type VenueSnapshot } from '../../core/domain.js'
import { InvalidInput, VenueRejected, VenueUnavailable } from '../../core/errors.js'
import type { ClientEnvironment, FetchContext, VenueConnector } from '../types.js'
import { requireSecret } from '../cex-credentials.js'
import { callCcxt, watchResponses, type CcxtClient } from '../ccxt-errors.js'
import { bybitDescriptor, type BybitConfig } from './descriptor.js'
import { bybitAccountRate, bybitPositionMargin } from './margin.js'

export type BybitClient = CcxtClient<BybitExchange>

interface V5<T> {
  retCode: number
  retMsg: string
  result: T
  time?: number
}

interface RawWallet {
  totalEquity: string
  totalMarginBalance: string
  totalInitialMargin: string
  totalMaintenanceMargin: string
  totalAvailableBalance: string
  accountIMRate: string
  accountMMRate: string
  accountType: string
  coin: { coin: string; walletBalance: string; equity: string; usdValue: string; borrowAmount?: string }[]
}

interface RawPosition {
  symbol: string
  side: 'Buy' | 'Sell' | 'None'
  size: string
  avgPrice: string
  markPrice: string
  leverage: string
  positionValue: string
  positionIM: string
  positionMM: string
  liqPrice: string
  bustPrice: string
  riskId: number
  unrealisedPnl: string
  tradeMode: number
}

function createClient(config: BybitConfig, env: ClientEnvironment): BybitClient {
  const apiKey = requireSecret(env, config.apiKeyEnv, 'apiKeyEnv')
  const secret = requireSecret(env, config.secretEnv, 'secretEnv')
  const exchange = new ccxt.bybit({ apiKey, secret, enableRateLimit: true, timeout: env.timeoutMs })
  if (config.testnet) exchange.setSandboxMode(true)
  const override = env.urlOverrides?.bybit
  if (override) {
    const api = exchange.urls.api as Record<string, string>
    for (const key of Object.keys(api)) api[key] = override.replace(/\/$/, '')
  }
  return { exchange, secrets: [apiKey, secret], lastResponse: watchResponses(exchange) }
}

async function call<T>(client: BybitClient, what: string, work: () => Promise<V5<T>>): Promise<V5<T>> {
  const response = await callCcxt('bybit', client, what, work)
  if (!response || typeof response !== 'object' || response.result === undefined) throw new VenueUnavailable(`bybit sent a malformed answer during ${what}`)
  return response
}

async function fetchAccount(client: BybitClient, config: BybitConfig, ctx: FetchContext): Promise<VenueSnapshot> {
  const ex = client.exchange as unknown as Record<string, (params: object) => Promise<V5<unknown>>>
  const wallet = (await call(client, 'reading the wallet balance', () => ex.privateGetV5AccountWalletBalance!({ accountType: 'UNIFIED' }) as Promise<V5<{ list: RawWallet[] }>>))
  const positionList = (await call(client, 'reading the positions', () => ex.privateGetV5PositionList!({ category: 'linear', settleCoin: config.settleCoin }) as Promise<V5<{ list: RawPosition[] }>>))
  try {
    const account = wallet.result.list?.[0]
    if (!account) throw new InvalidInput('wallet-balance', 'has no account')
    const open = (positionList.result.list ?? []).filter((p) => p.side !== 'None' && !parseDecimal(p.size, `position ${p.symbol}.size`).isZero())
    const tiers = new Map<string, { id: number; maintenanceMargin: string }[]>()
    for (const symbol of new Set(open.map((p) => p.symbol))) {
      const limits = await call(client, `reading ${symbol}'s risk limits`, () => ex.publicGetV5MarketRiskLimit!({ category: 'linear', symbol }) as Promise<V5<{ list: { id: number; maintenanceMargin: string }[] }>>)
      tiers.set(symbol, limits.result.list ?? [])
    }
    const positions: Position[] = []
    const details: unknown[] = []
    let im = new Decimal(0)
    let mm = new Decimal(0)
    for (const p of open) {
      const at = `positions.${p.symbol}`
      const size = parseDecimal(p.size, `${at}.size`).mul(p.side === 'Sell' ? -1 : 1)
      const tier = tiers.get(p.symbol)?.find((t) => t.id === p.riskId)
      const flags = tier ? [] : ['unknown-risk-tier']
      const margin = tier
        ? bybitPositionMargin({ symbol: p.symbol, size, avgPrice: parseDecimal(p.avgPrice, `${at}.avgPrice`), leverage: parseDecimal(p.leverage, `${at}.leverage`), bustPrice: parseOptionalDecimal(p.bustPrice, `${at}.bustPrice`), maintenanceRate: parseDecimal(tier.maintenanceMargin, `${at}.riskLimit.maintenanceMargin`), takerFeeRate: new Decimal(config.takerFeeRate) })
        : null
      if (margin) {
        im = im.plus(margin.initialMargin)
        mm = mm.plus(margin.maintenanceMargin)
        details.push({ symbol: p.symbol, riskId: p.riskId, positionValue: margin.positionValue.toFixed(), feeToClose: margin.feeToClose.toFixed(), initialMargin: margin.initialMargin.toFixed(), maintenanceMargin: margin.maintenanceMargin.toFixed() })
      }
      const base = p.symbol.replace(/(USDT|USDC|PERP)$/, '')
      positions.push({
        instrument: { venueSymbol: p.symbol, kind: 'perpetual', underlying: canonicalAsset(base).factor, quote: config.settleCoin, settlement: config.settleCoin, inverse: false, contractSize: '1', expiry: null, strike: null, optionType: null },
        size: size.toFixed(),
        entryPrice: parseDecimal(p.avgPrice, `${at}.avgPrice`).toFixed(),
        markPrice: parseDecimal(p.markPrice, `${at}.markPrice`).toFixed(),
        liquidationPrice: parseOptionalDecimal(p.liqPrice, `${at}.liqPrice`)?.toFixed() ?? null,
        notional: parseDecimal(p.positionValue, `${at}.positionValue`).toFixed(),
        unrealizedPnl: parseDecimal(p.unrealisedPnl, `${at}.unrealisedPnl`).toFixed(),
        leverage: parseDecimal(p.leverage, `${at}.leverage`).toFixed(),
        marginMode: p.tradeMode === 1 ? 'isolated' : 'cross',
        venueInitialMargin: parseDecimal(p.positionIM, `${at}.positionIM`).toFixed(),
        venueMaintenanceMargin: parseDecimal(p.positionMM, `${at}.positionMM`).toFixed(),
        flags,
        raw: p,
      })
    }
    const marginBalance = parseDecimal(account.totalMarginBalance, 'wallet.totalMarginBalance')
    const balances: Balance[] = account.coin
      .filter((c) => !parseDecimal(c.walletBalance, `wallet.coin.${c.coin}.walletBalance`).isZero())
      .map((c) => ({ asset: c.coin, canonicalAsset: canonicalAsset(c.coin).factor, kind: 'wallet' as const, amount: parseDecimal(c.walletBalance, `wallet.coin.${c.coin}.walletBalance`).abs().toFixed(), valueUsd: parseDecimal(c.usdValue, `wallet.coin.${c.coin}.usdValue`).toFixed(), priceUsd: null, usableAsCollateral: true, flags: [], raw: c }))
    const reportedIm = parseDecimal(account.totalInitialMargin, 'wallet.totalInitialMargin')
    const reportedMm = parseDecimal(account.totalMaintenanceMargin, 'wallet.totalMaintenanceMargin')
    const figures = (initial: Decimal, maintenance: Decimal, rate: Decimal | null, withdrawable: Decimal) =>
      marginFigures('USD', {
        equity: parseDecimal(account.totalEquity, 'wallet.totalEquity').toFixed(),
        initialMargin: initial.toFixed(),
        maintenanceMargin: maintenance.toFixed(),
        // Bybit's account MM rate: liquidation at 100 %.
        marginRatio: rate?.toFixed() ?? null,
        withdrawable: withdrawable.toFixed(),
      })
    return {
      asOf: wallet.time ? new Date(wallet.time) : ctx.now(),
      blockNumber: null,
      positions,
      balances,
      margin: {
        reported: figures(reportedIm, reportedMm, parseDecimal(account.accountMMRate, 'wallet.accountMMRate'), parseDecimal(account.totalAvailableBalance, 'wallet.totalAvailableBalance')),
        // Positions of other categories (spot margin, options) count in Bybit's totals; our sum covers linear only.
        replicated: figures(im, mm, bybitAccountRate(mm, marginBalance), Decimal.max(marginBalance.minus(im), 0)),
        details: { positions: details, accountIMRate: bybitAccountRate(reportedIm, marginBalance)?.toFixed() ?? null },
      },
      raw: { walletBalance: wallet, positionList },
    }
  } catch (error) {
    if (error instanceof InvalidInput) throw new VenueRejected(`bybit sent an unusable answer: ${error.message}`)
    throw error
  }
}

export const bybitConnector: VenueConnector<BybitConfig, BybitClient> = {
  descriptor: bybitDescriptor,
  createClient,
  fetchAccount,
  closeClient: async (client) => {
    await client.exchange.close()
  },
}
