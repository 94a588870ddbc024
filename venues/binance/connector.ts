// Binance futures through ccxt: USDⓈ-M positions, margin totals and leverage brackets from ccxt's implicit endpoints
// (exact strings, shapes checked in payloads.ts; the unified API drops figures we need), mapped to
// the normalised snapshot with Binance's figures beside our replication of its rule.
import ccxt, { type binanceusdm } from 'ccxt'
import { z } from 'zod'
import { canonicalAsset } from '../../core/assets.js'
import { Decimal, parseDecimal } from '../../core/decimal.js'
import { marginFigures, type Balance, type Position, type VenueSnapshot } from '../../core/domain.js'
import { InvalidInput } from '../../core/errors.js'
import type { ClientEnvironment, FetchContext, VenueConnector } from '../types.js'
import { requireSecret } from '../cex-credentials.js'
import { callCcxt, watchResponses, type CcxtClient } from '../ccxt-errors.js'
import { fetchPmAccount } from './portfolio-margin.js'
import { coinmInstrument } from './coinm-instrument.js'
import { verifyBinanceKey } from './key-permissions.js'
import { binanceDescriptor, type BinanceConfig } from './descriptor.js'
import { readPayload, RawAccountSchema, RawCoinmAccountSchema, RawCoinmBracketSchema, RawCoinmPositionRiskSchema, RawLeverageBracketSchema, RawPortfolioAccountSchema, RawPositionRiskSchema, type RawBracketSymbol } from './payloads.js'
import { binanceFigures, binancePortfolioMargin, calculateBinanceAccount, coinmMaintenanceMargin, type BinancePositionInput, type LeverageBracket } from './margin.js'

export type BinanceClient = CcxtClient<binanceusdm>

function createClient(config: BinanceConfig, env: ClientEnvironment): BinanceClient {
  const apiKey = requireSecret(env, config.apiKeyEnv, 'apiKeyEnv')
  const secret = requireSecret(env, config.secretEnv, 'secretEnv')
  const Exchange = config.market === 'coinm' ? ccxt.binancecoinm : ccxt.binanceusdm
  const exchange = new Exchange({
    apiKey,
    secret,
    enableRateLimit: true,
    timeout: env.timeoutMs,
    // Only futures markets: never touch spot, margin or the SAPI capital endpoints.
    options: { fetchCurrencies: false, fetchMarkets: { types: [config.market === 'coinm' ? 'inverse' : 'linear'] }, adjustForTimeDifference: false },
  })
  // Binance retired the futures testnet for Demo Trading (ccxt refuses signed testnet futures calls), so
  // `testnet` means Binance's demo-trading endpoints: https://www.binance.com/en/support/faq/detail/9be58f73e5e14338809e3b705b9687dd
  if (config.testnet) exchange.enableDemoTrading(true)
  const override = env.urlOverrides?.binance
  if (override) {
    // Keep each endpoint's path (/fapi/v1, /fapi/v2, …) and swap the host: the replay server answers real paths.
    const api: Record<string, string> = exchange.urls.api
    for (const [key, url] of Object.entries(api)) api[key] = override.replace(/\/$/, '') + new URL(url).pathname
  }
  return { exchange, secrets: [apiKey, secret], lastResponse: watchResponses(exchange) }
}

/** ccxt's markets for one venue id (typed `any` by ccxt): the fields read here. */
const MarketsOfIdSchema = z.array(z.looseObject({ base: z.string(), quote: z.string(), settle: z.string().optional() }))

const call = <T>(client: BinanceClient, what: string, work: () => Promise<T>): Promise<T> => callCcxt('binance', client, what, work)

function parseBrackets(raw: RawBracketSymbol[]): Record<string, LeverageBracket[]> {
  return Object.fromEntries(
    raw.map((s) => [
      s.symbol,
      s.brackets.map((b, i) => ({
        bracket: b.bracket,
        initialLeverage: b.initialLeverage,
        notionalCap: parseDecimal(b.notionalCap, `leverageBracket.${s.symbol}[${i}].notionalCap`),
        notionalFloor: parseDecimal(b.notionalFloor, `leverageBracket.${s.symbol}[${i}].notionalFloor`),
        maintMarginRatio: parseDecimal(b.maintMarginRatio, `leverageBracket.${s.symbol}[${i}].maintMarginRatio`),
        cum: parseDecimal(b.cum, `leverageBracket.${s.symbol}[${i}].cum`),
      })),
    ]),
  )
}

/** Binance publishes some amounts with thousands separators ("122,559.90199491"): read them, and say so. */
function lenientDecimal(value: string, field: string, flags: string[]): Decimal {
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(value)) {
    flags.push(`${field}: thousands separators in the venue's number`)
    return parseDecimal(value.replace(/,/g, ''), field)
  }
  return parseDecimal(value, field)
}

async function fetchPortfolioAccount(client: BinanceClient, ctx: FetchContext): Promise<VenueSnapshot> {
  const raw = await call(client, 'fetching the portfolio margin account', async () => readPayload(RawPortfolioAccountSchema, await client.exchange.sapiGetPortfolioAccount(), 'portfolio margin account'))
  return call(client, 'portfolio margin payload', async () => {
    const flags: string[] = []
    const equity = parseDecimal(raw.accountEquity, 'portfolioAccount.accountEquity')
    const mm = parseDecimal(raw.accountMaintMargin, 'portfolioAccount.accountMaintMargin')
    const im = raw.accountInitialMargin !== undefined ? parseDecimal(raw.accountInitialMargin, 'portfolioAccount.accountInitialMargin') : null
    const reportedAvailable = raw.totalAvailableBalance !== undefined ? lenientDecimal(raw.totalAvailableBalance, 'portfolioAccount.totalAvailableBalance', flags) : null
    const ours = binancePortfolioMargin(equity, im ?? new Decimal(0), mm)
    const figures = (available: Decimal | null, ratio: Decimal | null) =>
      marginFigures('USD', {
        equity: equity.toFixed(),
        initialMargin: im?.toFixed() ?? null,
        maintenanceMargin: mm.toFixed(),
        marginRatio: ratio?.toDecimalPlaces(12).toFixed() ?? null,
        withdrawable: available?.toFixed() ?? null,
      })
    return {
      asOf: ctx.now(),
      blockNumber: null,
      positions: [],
      balances: [],
      margin: {
        reported: figures(reportedAvailable, equity.gt(0) ? mm.div(equity) : null),
        replicated: figures(im ? ours.available : null, equity.gt(0) ? mm.div(equity) : null),
        details: { model: 'portfolio', uniMMR: ours.uniMMR?.toDecimalPlaces(8).toFixed() ?? null, reportedUniMMR: raw.uniMMR, accountStatus: raw.accountStatus ?? null, flags, note: 'positions of a Portfolio Margin Pro account live in its futures accounts; add those as usdm accounts' },
      },
      raw,
    }
  })
}

/** COIN-M: positions and margins in coin (inverse contracts); sizes are the notional in coin, signed. */
async function fetchCoinmAccount(client: BinanceClient, config: BinanceConfig, ctx: FetchContext): Promise<VenueSnapshot> {
  const ex = client.exchange
  const account = await call(client, 'fetching the COIN-M account', async () => readPayload(RawCoinmAccountSchema, await ex.dapiPrivateGetAccount(), 'COIN-M account'))
  const risk = await call(client, 'fetching COIN-M positions', async () => readPayload(RawCoinmPositionRiskSchema, await ex.dapiPrivateGetPositionRisk(), 'COIN-M position risk'))
  const rawBrackets = await call(client, 'fetching COIN-M brackets', async () => readPayload(RawCoinmBracketSchema, await ex.dapiPrivateV2GetLeverageBracket(), 'COIN-M brackets'))
  return call(client, 'COIN-M payload', async () => {
    const asset = account.assets.find((a) => a.asset === config.marginAsset)
    if (!asset) throw new InvalidInput('account.assets', `has no ${config.marginAsset}`)
    const brackets = new Map(rawBrackets.map((b) => [b.symbol, b.brackets.map((x, i) => ({ bracket: Number(x.bracket), qtyFloor: parseDecimal(x.qtyFloor, `leverageBracket.${b.symbol}[${i}].qtyFloor`), qtyCap: parseDecimal(x.qtyCap, `leverageBracket.${b.symbol}[${i}].qtyCap`), maintMarginRatio: parseDecimal(x.maintMarginRatio, `leverageBracket.${b.symbol}[${i}].maintMarginRatio`), cum: parseDecimal(x.cum, `leverageBracket.${b.symbol}[${i}].cum`) }))]))
    const positions: Position[] = []
    const details: unknown[] = []
    let maintenance = new Decimal(0)
    let initial = new Decimal(0)
    for (const p of risk) {
      const at = `positionRisk.${p.symbol}`
      if (parseDecimal(p.positionAmt, `${at}.positionAmt`).isZero()) continue
      const base = p.symbol.replace(/USD_(PERP|\d{6})$/, '')
      if (base !== config.marginAsset) continue
      // notionalValue is the position in coin, signed; that is its size in units of the underlying.
      const notionalCoin = parseDecimal(p.notionalValue, `${at}.notionalValue`)
      const pair = p.symbol.split('_')[0]!
      const table = brackets.get(pair)
      const flags = table ? [] : ['no-leverage-brackets']
      if (table) {
        const { bracket, margin } = coinmMaintenanceMargin(table, notionalCoin)
        const im = notionalCoin.abs().div(parseDecimal(p.leverage, `${at}.leverage`))
        maintenance = maintenance.plus(margin)
        initial = initial.plus(im)
        details.push({ symbol: p.symbol, notionalCoin: notionalCoin.toFixed(), bracket: bracket.bracket, maintenanceMargin: margin.toFixed(), initialMargin: im.toFixed() })
      }
      positions.push({
        instrument: coinmInstrument(p.symbol, base),
        size: notionalCoin.toFixed(),
        entryPrice: parseDecimal(p.entryPrice, `${at}.entryPrice`).toFixed(),
        markPrice: parseDecimal(p.markPrice, `${at}.markPrice`).toFixed(),
        liquidationPrice: new Decimal(p.liquidationPrice || 0).isZero() ? null : parseDecimal(p.liquidationPrice, `${at}.liquidationPrice`).toFixed(),
        notional: notionalCoin.abs().toFixed(),
        unrealizedPnl: parseDecimal(p.unRealizedProfit, `${at}.unRealizedProfit`).toFixed(),
        leverage: parseDecimal(p.leverage, `${at}.leverage`).toFixed(),
        marginMode: p.marginType === 'isolated' ? 'isolated' : 'cross',
        venueInitialMargin: null,
        venueMaintenanceMargin: null,
        flags,
        raw: p,
      })
    }
    const wallet = parseDecimal(asset.walletBalance, `account.assets.${config.marginAsset}.walletBalance`)
    const marginBalance = parseDecimal(asset.marginBalance, `account.assets.${config.marginAsset}.marginBalance`)
    const reportedMm = parseDecimal(asset.maintMargin, `account.assets.${config.marginAsset}.maintMargin`)
    const reportedIm = parseDecimal(asset.initialMargin, `account.assets.${config.marginAsset}.initialMargin`)
    const figures = (im: Decimal, mm: Decimal, withdrawable: Decimal) =>
      marginFigures(config.marginAsset, {
        equity: marginBalance.toFixed(),
        initialMargin: im.toFixed(),
        maintenanceMargin: mm.toFixed(),
        marginRatio: marginBalance.gt(0) ? mm.div(marginBalance).toDecimalPlaces(12).toFixed() : null,
        withdrawable: withdrawable.toFixed(),
      })
    return {
      asOf: ctx.now(),
      blockNumber: null,
      positions,
      balances: [{ asset: config.marginAsset, canonicalAsset: canonicalAsset(config.marginAsset).factor, kind: wallet.isNegative() ? 'debt' : 'wallet', amount: wallet.abs().toFixed(), valueUsd: null, priceUsd: null, usableAsCollateral: true, flags: [], raw: asset }],
      margin: {
        reported: figures(reportedIm, reportedMm, parseDecimal(asset.maxWithdrawAmount, `account.assets.${config.marginAsset}.maxWithdrawAmount`)),
        replicated: figures(initial, maintenance, Decimal.max(marginBalance.minus(initial), 0)),
        details,
      },
      raw: { account, positionRisk: risk, leverageBracket: rawBrackets },
    }
  })
}

async function fetchAccount(client: BinanceClient, config: BinanceConfig, ctx: FetchContext): Promise<VenueSnapshot> {
  if (config.market === 'pm') return fetchPmAccount(client, ctx)
  if (config.market === 'portfolio') return fetchPortfolioAccount(client, ctx)
  if (config.market === 'coinm') return fetchCoinmAccount(client, config, ctx)
  const { exchange } = client
  const asOf = ctx.now()
  await call(client, 'loading markets', () => exchange.loadMarkets())
  ctx.signal.throwIfAborted()
  // One after another: ccxt's rate limiter queues them anyway, and a failure's headers (Retry-After) then belong
  // to the failing call. The implicit endpoints, not fetchPositions: it drops figures we need and fetches the
  // brackets a second time.
  const risk = await call(client, 'fetching positions', async () => readPayload(RawPositionRiskSchema, await exchange.fapiPrivateV3GetPositionRisk(), 'position risk'))
  const rawBrackets = await call(client, 'fetching leverage brackets', async () => readPayload(RawLeverageBracketSchema, await exchange.fapiPrivateGetLeverageBracket(), 'leverage brackets'))
  const account = await call(client, 'fetching the account', async () => readPayload(RawAccountSchema, await exchange.fapiPrivateV2GetAccount(), 'account'))
  ctx.signal.throwIfAborted()

  return call(client, 'account payload', async () => {
    const brackets = parseBrackets(rawBrackets)
    const leverageBySymbol = new Map(account.positions.map((p) => [`${p.symbol}:${p.positionSide ?? 'BOTH'}`, p]))
    const positions: Position[] = []
    const replicationInputs: BinancePositionInput[] = []
    for (const [i, info] of risk.entries()) {
      const at = `positionRisk[${i}]`
      const size = parseDecimal(info.positionAmt, `${at}.positionAmt`)
      if (size.isZero()) continue
      // Only linear markets are loaded, so a venue id names at most one of them.
      const market = MarketsOfIdSchema.safeParse(exchange.markets_by_id?.[info.symbol]).data?.[0]
      const flags: string[] = []
      if (!market) flags.push('unknown-symbol')
      const accountPosition = leverageBySymbol.get(`${info.symbol}:${info.positionSide}`)
      const leverage = info.leverage ?? accountPosition?.leverage
      if (!leverage) flags.push('no-leverage')
      // v3 leaves the margin mode to the account endpoint; failing that, only an isolated position has its own wallet.
      const isolated = info.marginType
        ? info.marginType === 'isolated'
        : accountPosition?.isolated !== undefined
          ? accountPosition.isolated
          : new Decimal(info.isolatedWallet || 0).gt(0)
      if (!brackets[info.symbol]) flags.push('no-leverage-brackets')
      const base = market?.base ?? info.symbol.replace(/(USDT|USDC|BUSD|USD)$/, '')
      // Parsed once: the stored position and the replication read the same prices.
      const entryPrice = parseDecimal(info.entryPrice, `${at}.entryPrice`)
      const markPrice = parseDecimal(info.markPrice, `${at}.markPrice`)
      const leverageRate = leverage ? parseDecimal(leverage, `${at}.leverage`) : null
      positions.push({
        instrument: {
          venueSymbol: info.symbol,
          kind: 'perpetual',
          underlying: canonicalAsset(base).factor,
          quote: market?.quote ?? 'USDT',
          settlement: info.marginAsset ?? market?.settle ?? 'USDT',
          inverse: false,
          contractSize: '1',
          expiry: null,
          strike: null,
          optionType: null,
        },
        size: size.toFixed(),
        entryPrice: entryPrice.toFixed(),
        markPrice: markPrice.toFixed(),
        // Binance writes "0" when it has no liquidation price: that is "none", not a price of zero.
        liquidationPrice: new Decimal(info.liquidationPrice || 0).isZero() ? null : parseDecimal(info.liquidationPrice, `${at}.liquidationPrice`).toFixed(),
        notional: parseDecimal(info.notional, `${at}.notional`).toFixed(),
        unrealizedPnl: parseDecimal(info.unRealizedProfit, `${at}.unRealizedProfit`).toFixed(),
        leverage: leverageRate?.toFixed() ?? null,
        marginMode: isolated ? 'isolated' : 'cross',
        venueInitialMargin: info.initialMargin !== undefined ? parseDecimal(info.initialMargin, `${at}.initialMargin`).toFixed() : null,
        venueMaintenanceMargin: info.maintMargin !== undefined ? parseDecimal(info.maintMargin, `${at}.maintMargin`).toFixed() : null,
        flags,
        raw: info,
      })
      // Every open position enters the replication: one we cannot margin leaves the totals null, never understated.
      replicationInputs.push({
        symbol: info.symbol,
        positionAmt: size,
        entryPrice,
        markPrice,
        leverage: leverageRate,
        isolated,
        isolatedWallet: isolated && info.isolatedWallet ? parseDecimal(info.isolatedWallet, `${at}.isolatedWallet`) : null,
      })
    }

    const balances: Balance[] = account.assets
      .filter((a) => !parseDecimal(a.walletBalance, `account.assets.${a.asset}.walletBalance`).isZero())
      .map((a) => ({
        asset: a.asset,
        canonicalAsset: canonicalAsset(a.asset).factor,
        kind: 'wallet' as const,
        amount: parseDecimal(a.walletBalance, `account.assets.${a.asset}.walletBalance`).abs().toFixed(),
        valueUsd: null,
        priceUsd: null,
        usableAsCollateral: true,
        flags: parseDecimal(a.walletBalance, `account.assets.${a.asset}.walletBalance`).isNegative() ? ['negative-wallet-balance'] : [],
        raw: a,
      }))

    const crossWallet = parseDecimal(account.totalCrossWalletBalance ?? account.totalWalletBalance, 'account.totalCrossWalletBalance')
    const replicated = calculateBinanceAccount({ crossWalletBalance: crossWallet, positions: replicationInputs, brackets })
    const marginBalance = parseDecimal(account.totalMarginBalance, 'account.totalMarginBalance')
    const maintenance = parseDecimal(account.totalMaintMargin, 'account.totalMaintMargin')
    return {
      asOf,
      blockNumber: null,
      positions,
      balances,
      margin: {
        reported: marginFigures('USDT', {
          equity: marginBalance.toFixed(),
          initialMargin: parseDecimal(account.totalInitialMargin, 'account.totalInitialMargin').toFixed(),
          maintenanceMargin: maintenance.toFixed(),
          marginRatio: marginBalance.gt(0) ? maintenance.div(marginBalance).toDecimalPlaces(12).toFixed() : null,
          withdrawable: parseDecimal(account.maxWithdrawAmount, 'account.maxWithdrawAmount').toFixed(),
        }),
        replicated: binanceFigures(replicated),
        details: replicated.positions.map((p) => ({
          symbol: p.symbol,
          notional: p.notional.toFixed(),
          bracket: p.bracket?.bracket ?? null,
          maintMarginRatio: p.bracket?.maintMarginRatio.toFixed() ?? null,
          maintenanceAmount: p.bracket?.cum.toFixed() ?? null,
          // The symbol's whole table, for the risk engine's rule as prices move across brackets.
          brackets: [...(brackets[p.symbol] ?? [])].sort((a, b) => a.bracket - b.bracket).map((b) => ({ notionalCap: b.notionalCap.toFixed(), maintMarginRatio: b.maintMarginRatio.toFixed(), cum: b.cum.toFixed() })),
          maintenanceMargin: p.maintenanceMargin?.toFixed() ?? null,
          initialMargin: p.initialMargin?.toFixed() ?? null,
          liquidationPrice: p.liquidationPrice?.toDecimalPlaces(8).toFixed() ?? null,
        })),
      },
      raw: { account, positionRisk: risk, leverageBracket: rawBrackets },
    }
  })
}

export const binanceConnector: VenueConnector<BinanceConfig, BinanceClient> = {
  descriptor: binanceDescriptor,
  createClient,
  fetchAccount,
  verifyAccount: verifyBinanceKey,
  closeClient: async (client) => {
    await client.exchange.close()
  },
}
