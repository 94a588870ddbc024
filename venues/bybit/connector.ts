// Bybit unified trading account through ccxt's implicit v5 endpoints (the unified API drops Bybit's account and
// position margin figures): wallet balance, linear and inverse positions, and each held symbol's risk-limit tiers,
// from which position IM and MM are replicated beside Bybit's own.
import ccxt, { type bybit as BybitExchange } from 'ccxt'
import { z } from 'zod'
import { canonicalAsset } from '../../core/assets.js'
import { Decimal, parseDecimal, parseOptionalDecimal } from '../../core/decimal.js'
import { marginFigures, type Balance, type InstrumentRef, type Position, type VenueSnapshot } from '../../core/domain.js'
import { InvalidInput, VenueRejected, VenueUnavailable } from '../../core/errors.js'
import type { AccountVerification, ClientEnvironment, FetchContext, VenueConnector } from '../types.js'
import { parsePayload } from '../payload.js'
import { requireSecret } from '../cex-credentials.js'
import { callCcxt, watchResponses, type CcxtClient } from '../ccxt-errors.js'
import { bybitDescriptor, type BybitConfig } from './descriptor.js'
import { refineBybitError } from './errors.js'
import { bybitAccountRate, bybitMaintenanceDeduction, bybitPositionMargin, readRiskTier, type BybitContract, type BybitRiskTier } from './margin.js'
import { bybitKeyWarnings, isUnifiedAccount } from './verification.js'
import { AccountInfoSchema, ApiKeyInfoSchema, PositionPageSchema, RiskLimitSchema, WalletSchema, type RawPosition } from './payloads.js'

export type BybitClient = CcxtClient<BybitExchange>

/** Every v5 answer is `{ retCode, retMsg, result, time }`; one without its result is a malformed answer. */
const EnvelopeSchema = z.looseObject({ result: z.unknown(), time: z.number().optional() })

/** A v5 answer whose result was checked. */
interface V5<T> {
  result: T
  time?: number
}

function createClient(config: BybitConfig, env: ClientEnvironment): BybitClient {
  const apiKey = requireSecret(env, config.apiKeyEnv, 'apiKeyEnv')
  const secret = requireSecret(env, config.secretEnv, 'secretEnv')
  const exchange = new ccxt.bybit({ apiKey, secret, enableRateLimit: true, timeout: env.timeoutMs })
  if (config.testnet) exchange.setSandboxMode(true)
  const override = env.urlOverrides?.bybit
  if (override) {
    const api: Record<string, string> = exchange.urls.api
    for (const key of Object.keys(api)) api[key] = override.replace(/\/$/, '')
  }
  return { exchange, secrets: [apiKey, secret], lastResponse: watchResponses(exchange) }
}

async function call<S extends z.ZodType>(client: BybitClient, what: string, result: S, work: (ex: BybitExchange) => Promise<unknown>): Promise<V5<z.output<S>>> {
  const ex = client.exchange
  // A failure must be read from its own answer, not the previous call's.
  ex.last_http_response = undefined
  ex.last_response_headers = undefined
  let answer: unknown
  try {
    answer = await callCcxt('bybit', client, what, () => work(ex))
  } catch (error) {
    // callCcxt throws the error vocabulary, always an Error.
    if (!(error instanceof Error)) throw error
    throw refineBybitError(error, { status: client.lastResponse.status, body: ex.last_http_response, headers: ex.last_response_headers }, what)
  }
  const response = EnvelopeSchema.safeParse(answer)
  if (!response.success || response.data.result === undefined) throw new VenueUnavailable(`bybit sent a malformed answer during ${what}`)
  return { result: parsePayload('bybit', result, response.data.result, `answer to ${what}`), ...(response.data.time === undefined ? {} : { time: response.data.time }) }
}

/** Base coin of a symbol of the category, or null for a name we cannot read (kept and flagged, never dropped). */
function baseOf(contract: BybitContract, symbol: string): string | null {
  const match = contract === 'linear' ? /^([A-Z0-9]+?)(USDT|USDC|PERP)(-\d{2}[A-Z]{3}\d{2})?$/.exec(symbol) : /^([A-Z0-9]+?)USD([FGHJKMNQUVXZ]\d{2})?$/.exec(symbol)
  return match ? match[1]! : null
}

interface SymbolTiers {
  tiers: BybitRiskTier[]
  ratesInPercent: boolean
}

/** The symbol's tiers, or null when Bybit does not know the symbol (it refuses or lists nothing for it). */
async function riskTiers(client: BybitClient, contract: BybitContract, symbol: string): Promise<SymbolTiers | null> {
  let answer: V5<z.output<typeof RiskLimitSchema>>
  try {
    answer = await call(client, `reading ${symbol}'s risk limits`, RiskLimitSchema, (ex) => ex.publicGetV5MarketRiskLimit({ category: contract, symbol }))
  } catch (error) {
    if (error instanceof VenueRejected) return null
    throw error
  }
  const rows = (answer.result.list ?? []).filter((t) => t.symbol === symbol)
  if (rows.length === 0) return null
  const read = rows.map((row) => readRiskTier(row))
  return { tiers: read.map((r) => r.tier), ratesInPercent: read.some((r) => r.ratesInPercent) }
}

function instrumentOf(contract: BybitContract, symbol: string, base: string | null, settleCoin: string): InstrumentRef {
  const underlying = canonicalAsset(base ?? symbol).factor
  const dated = contract === 'linear' ? /-\d{2}[A-Z]{3}\d{2}$/.test(symbol) : /USD[FGHJKMNQUVXZ]\d{2}$/.test(symbol)
  if (contract === 'inverse') return { venueSymbol: symbol, kind: dated ? 'future' : 'perpetual', underlying, quote: 'USD', settlement: base ?? symbol, inverse: true, contractSize: '1', expiry: null, strike: null, optionType: null }
  return { venueSymbol: symbol, kind: dated ? 'future' : 'perpetual', underlying, quote: settleCoin, settlement: settleCoin, inverse: false, contractSize: '1', expiry: null, strike: null, optionType: null }
}

interface Replication {
  symbol: string
  contract: BybitContract
  /** Currency of the figures: the settle coin (linear) or the base coin (inverse). */
  currency: string
  initialMargin: Decimal
  maintenanceMargin: Decimal
  /** USD per unit of `currency`, to add the figure into the account's USD totals; null when unknown. */
  usdPerUnit: Decimal | null
}

/** Pages of a position list Bybit may send before crossmargin gives up: 50 × 200 = 10,000 positions. */
const MAX_POSITION_PAGES = 50

/**
 * Every page of a category's position list (200 a page, Bybit's largest), following `nextPageCursor` until an empty
 * page or cursor: an account with more positions than one page must not lose the rest. A cursor that repeats, or more
 * pages than anyone holds, fails the fetch rather than storing part of the account.
 */
async function positionList(client: BybitClient, category: BybitContract, filter: Record<string, string>, ctx: FetchContext): Promise<RawPosition[]> {
  const positions: RawPosition[] = []
  const seen = new Set<string>()
  let cursor = ''
  for (let page = 1; ; page++) {
    const params = { category, ...filter, limit: 200, ...(cursor ? { cursor } : {}) }
    const answer = await call(client, `reading the ${category} positions${page > 1 ? ` (page ${page})` : ''}`, PositionPageSchema, (ex) => ex.privateGetV5PositionList(params))
    const list = answer.result.list ?? []
    positions.push(...list)
    const next = answer.result.nextPageCursor ?? ''
    if (list.length === 0 || !next) return positions
    if (seen.has(next) || page >= MAX_POSITION_PAGES) throw new VenueRejected(`bybit kept paging the ${category} positions (${page} pages, cursor ${seen.has(next) ? 'repeated' : 'still open'}): the list was not stored`)
    seen.add(next)
    cursor = next
    ctx.signal.throwIfAborted()
  }
}

async function fetchAccount(client: BybitClient, config: BybitConfig, ctx: FetchContext): Promise<VenueSnapshot> {
  const wallet = await call(client, 'reading the wallet balance', WalletSchema, (ex) => ex.privateGetV5AccountWalletBalance({ accountType: 'UNIFIED' }))
  const linear = await positionList(client, 'linear', { settleCoin: config.settleCoin }, ctx)
  const inverse = await positionList(client, 'inverse', {}, ctx)
  ctx.signal.throwIfAborted()
    const account = wallet.result.list?.[0]
    if (!account) throw new InvalidInput('wallet-balance', 'has no account')
    const held = (list: RawPosition[] | undefined, contract: BybitContract) =>
      (list ?? []).filter((p) => p.side !== 'None' && p.side !== '' && !parseDecimal(p.size, `${contract}.${p.symbol}.size`).isZero()).map((p) => ({ p, contract }))
    const open = [...held(linear, 'linear'), ...held(inverse, 'inverse')]
    const tables = new Map<string, SymbolTiers | null>()
    for (const { p, contract } of open) {
      const key = `${contract}:${p.symbol}`
      if (!tables.has(key)) tables.set(key, await riskTiers(client, contract, p.symbol))
    }
    // The wallet values each coin in USD; positions' figures are added in USD at that rate.
    const usdPerCoin = new Map<string, Decimal>()
    for (const c of account.coin) {
      const equity = parseOptionalDecimal(c.equity, `wallet.coin.${c.coin}.equity`)
      const usd = parseOptionalDecimal(c.usdValue, `wallet.coin.${c.coin}.usdValue`)
      if (equity && usd && !equity.isZero()) usdPerCoin.set(c.coin, usd.div(equity))
    }

    const positions: Position[] = []
    const details: unknown[] = []
    const replications: (Replication | null)[] = []
  /** Currencies of replicated figures with no USD rate: the replicated USD totals are null while any is left. */
  const missingUsdRates = new Set<string>()
    for (const { p, contract } of open) {
      const at = `positions.${contract}.${p.symbol}`
      const quantity = parseDecimal(p.size, `${at}.size`).mul(p.side === 'Sell' ? -1 : 1)
      const avgPrice = parseDecimal(p.avgPrice, `${at}.avgPrice`)
      const markPrice = parseDecimal(p.markPrice, `${at}.markPrice`)
      const leverage = parseDecimal(p.leverage, `${at}.leverage`)
      const base = baseOf(contract, p.symbol)
      const table = tables.get(`${contract}:${p.symbol}`) ?? null
      const tier = table?.tiers.find((t) => t.id === p.riskId) ?? null
      const flags: string[] = []
      if (!base || !table) flags.push('unknown-symbol')
      else if (!tier) flags.push('unknown-risk-tier')
      const currency = contract === 'linear' ? config.settleCoin : (base ?? p.symbol)
    // Bybit's deduction, or the one its table implies; none leaves the position's MM unknown, never a deduction of 0.
    const deduction = table && tier ? (tier.mmDeduction ?? bybitMaintenanceDeduction(table.tiers, tier.id)) : null
    if (table && tier && !deduction) flags.push('unknown-maintenance-deduction')
    if (table && tier && deduction) {
        const m = bybitPositionMargin({ contract, size: quantity, avgPrice, leverage, bustPrice: parseOptionalDecimal(p.bustPrice, `${at}.bustPrice`), tier, mmDeduction: deduction, takerFeeRate: new Decimal(config.takerFeeRate) })
      // Linear figures are in the settle coin, at the wallet's USD rate for it (none when the wallet holds none of
      // it: the USD totals are then unknown, not taken at 1); inverse ones in coin, worth the mark price in USD.
      const usdPerUnit = contract === 'inverse' ? markPrice : (usdPerCoin.get(config.settleCoin) ?? null)
      if (!usdPerUnit) missingUsdRates.add(currency)
        replications.push({ symbol: p.symbol, contract, currency, initialMargin: m.initialMargin, maintenanceMargin: m.maintenanceMargin, usdPerUnit })
        details.push({
          symbol: p.symbol,
          category: contract,
          currency,
          riskId: tier.id,
          tierInitialRate: tier.initialRate.toFixed(),
          maintenanceRate: tier.maintenanceRate.toFixed(),
          mmDeduction: deduction.toFixed(),
          tierRatesInPercent: table.ratesInPercent,
          positionValue: m.positionValue.toFixed(),
          bankruptcyPrice: m.bankruptcyPrice.toFixed(),
          feeToClose: m.feeToClose.toFixed(),
          initialRate: m.initialRate.toFixed(),
          initialMargin: m.initialMargin.toFixed(),
          maintenanceMargin: m.maintenanceMargin.toFixed(),
          reportedInitialMargin: p.positionIM,
          reportedMaintenanceMargin: p.positionMM,
        usdPerUnit: usdPerUnit?.toFixed() ?? null,
        })
      } else {
        // A position we cannot margin leaves the replicated totals unknown rather than understated.
        replications.push(null)
        details.push({ symbol: p.symbol, category: contract, currency, riskId: p.riskId, flags })
      }
      // Inverse quantities are USD contracts: in units of the underlying that is the coin they are worth at mark.
      const size = contract === 'inverse' ? quantity.div(markPrice) : quantity
      positions.push({
        instrument: instrumentOf(contract, p.symbol, base, config.settleCoin),
        size: size.toFixed(),
        entryPrice: avgPrice.toFixed(),
        markPrice: markPrice.toFixed(),
        liquidationPrice: parseOptionalDecimal(p.liqPrice, `${at}.liqPrice`)?.toFixed() ?? null,
        notional: parseDecimal(p.positionValue, `${at}.positionValue`).toFixed(),
        unrealizedPnl: parseDecimal(p.unrealisedPnl, `${at}.unrealisedPnl`).toFixed(),
        leverage: leverage.toFixed(),
        marginMode: p.tradeMode === 1 ? 'isolated' : 'cross',
        venueInitialMargin: parseOptionalDecimal(p.positionIM, `${at}.positionIM`)?.toFixed() ?? null,
        venueMaintenanceMargin: parseOptionalDecimal(p.positionMM, `${at}.positionMM`)?.toFixed() ?? null,
        flags,
        raw: p,
      })
    }

    const marginBalance = parseDecimal(account.totalMarginBalance, 'wallet.totalMarginBalance')
    const balances: Balance[] = account.coin
      .filter((c) => !parseDecimal(c.walletBalance, `wallet.coin.${c.coin}.walletBalance`).isZero())
      .map((c) => {
        const amount = parseDecimal(c.walletBalance, `wallet.coin.${c.coin}.walletBalance`)
        return { asset: c.coin, canonicalAsset: canonicalAsset(c.coin).factor, kind: amount.isNegative() ? ('debt' as const) : ('wallet' as const), amount: amount.abs().toFixed(), valueUsd: parseOptionalDecimal(c.usdValue, `wallet.coin.${c.coin}.usdValue`)?.toFixed() ?? null, priceUsd: usdPerCoin.get(c.coin)?.toFixed() ?? null, usableAsCollateral: true, flags: [], raw: c }
      })
    const reportedIm = parseDecimal(account.totalInitialMargin, 'wallet.totalInitialMargin')
    const reportedMm = parseDecimal(account.totalMaintenanceMargin, 'wallet.totalMaintenanceMargin')
    const complete = replications.every((r): r is Replication => r !== null && r.usdPerUnit !== null)
    const sumUsd = (pick: (r: Replication) => Decimal) => (complete ? replications.reduce((sum, r) => sum.plus(pick(r).mul(r.usdPerUnit!)), new Decimal(0)) : null)
    const im = sumUsd((r) => r.initialMargin)
    const mm = sumUsd((r) => r.maintenanceMargin)
    const figures = (initial: Decimal | null, maintenance: Decimal | null, rate: Decimal | null, withdrawable: Decimal | null) =>
      marginFigures('USD', {
        equity: parseDecimal(account.totalEquity, 'wallet.totalEquity').toFixed(),
        initialMargin: initial?.toFixed() ?? null,
        maintenanceMargin: maintenance?.toFixed() ?? null,
        // Bybit's account MM rate: liquidation at 100 %.
        marginRatio: rate?.toFixed() ?? null,
        withdrawable: withdrawable?.toFixed() ?? null,
      })
    return {
      asOf: wallet.time ? new Date(wallet.time) : ctx.now(),
      blockNumber: null,
      positions,
      balances,
      margin: {
        reported: figures(reportedIm, reportedMm, parseDecimal(account.accountMMRate, 'wallet.accountMMRate'), parseDecimal(account.totalAvailableBalance, 'wallet.totalAvailableBalance')),
        // Spot borrowing and options count in Bybit's totals; ours cover the linear and inverse positions.
        replicated: figures(im, mm, mm ? bybitAccountRate(mm, marginBalance) : null, im ? Decimal.max(marginBalance.minus(im), 0) : null),
        details: {
          positions: details,
          // Bybit's own totals over its margin balance: the rates it states, recomputed.
          accountIMRate: bybitAccountRate(reportedIm, marginBalance)?.toFixed() ?? null,
          accountMMRate: bybitAccountRate(reportedMm, marginBalance)?.toFixed() ?? null,
          reportedAccountIMRate: account.accountIMRate,
          reportedAccountMMRate: account.accountMMRate,
        missingUsdRates: [...missingUsdRates],
        },
      },
      raw: { walletBalance: wallet, positionList: { linear, inverse } },
    }
}

/**
 * Checks the key before the account is stored: an account that is not a unified trading account is refused (its
 * wallet-balance answer would not be the one read here); a key that can trade or move funds is stored with warnings.
 */
async function verifyAccount(client: BybitClient, _config: BybitConfig, ctx: FetchContext): Promise<AccountVerification> {
  const key = await call(client, 'reading the API key', ApiKeyInfoSchema, (ex) => ex.privateGetV5UserQueryApi({}))
  const info = await call(client, 'reading the account', AccountInfoSchema, (ex) => ex.privateGetV5AccountInfo({}))
  ctx.signal.throwIfAborted()
  const status = info.result.unifiedMarginStatus
  if (!isUnifiedAccount(status)) {
    throw new InvalidInput('apiKeyEnv', `the key belongs to a Bybit account that is not a unified trading account (unifiedMarginStatus ${String(status)}); crossmargin reads unified trading accounts only: upgrade the account or give a key of a unified one`)
  }
  return { warnings: bybitKeyWarnings(key.result) }
}

export const bybitConnector: VenueConnector<BybitConfig, BybitClient> = {
  descriptor: bybitDescriptor,
  createClient,
  fetchAccount,
  verifyAccount,
  closeClient: async (client) => {
    await client.exchange.close()
  },
}
