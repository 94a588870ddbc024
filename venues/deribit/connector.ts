// Deribit through ccxt's implicit JSON-RPC endpoints (the unified API drops Deribit's margin figures, and loading
// every market on each fetch would cost thousands of instruments): account summary, positions, and the currency's
// option chain (marks, mark IVs, underlying prices, open interest; the IVs are stored as market data). The venue's
// figures sit beside our replication: the risk matrix for portfolio-margin accounts, standard margin otherwise.
import ccxt, { type deribit as DeribitExchange } from 'ccxt'
import { canonicalAsset } from '../../core/assets.js'
import { Decimal, parseDecimal } from '../../core/decimal.js'
import { marginFigures, type Balance, type ImpliedVolPoint, type InstrumentKind, type Position, type VenueMarginFigures, type VenueSnapshot } from '../../core/domain.js'
import { InvalidInput } from '../../core/errors.js'
import { parseInstrumentSymbol } from '../../core/instrument-symbols.js'
import type { ClientEnvironment, FetchContext, VenueConnector } from '../types.js'
import { parsePayload } from '../payload.js'
import { BookSummaryAnswerSchema, PositionsAnswerSchema, SummariesAnswerSchema, TickerAnswerSchema, type RawBookSummary, type RawPosition } from './payloads.js'
import { requireSecret } from '../cex-credentials.js'
import { watchResponses, type CcxtClient } from '../ccxt-errors.js'
import { callDeribit as call } from './errors.js'
import { verifyDeribitAccount } from './verification.js'
import { deribitDescriptor, type DeribitConfig } from './descriptor.js'
import { DERIBIT_PM_BTC_PARAMS, DERIBIT_PM_ETH_PARAMS, deribitPortfolioMargin, deribitStandardFutureMargin, deribitStandardOptionMargin, type DeribitPmPosition } from './margin.js'

export type DeribitClient = CcxtClient<DeribitExchange>

/** Our instrument kind for a position Deribit names but we cannot read (combos are spreads of their kind). */
const KIND_OF_UNREAD: Record<RawPosition['kind'], InstrumentKind> = { future: 'future', option: 'option', spot: 'spot', future_combo: 'future', option_combo: 'option' }

function createClient(config: DeribitConfig, env: ClientEnvironment): DeribitClient {
  const apiKey = requireSecret(env, config.clientIdEnv, 'clientIdEnv')
  const secret = requireSecret(env, config.clientSecretEnv, 'clientSecretEnv')
  const exchange = new ccxt.deribit({ apiKey, secret, enableRateLimit: true, timeout: env.timeoutMs })
  if (config.testnet) exchange.setSandboxMode(true)
  const override = env.urlOverrides?.deribit
  if (override) exchange.urls.api = { rest: override.replace(/\/$/, '') }
  return { exchange, secrets: [apiKey, secret], lastResponse: watchResponses(exchange) }
}

/** What an option position is valued with, from the chain (or its ticker); open interest for concentration. */
interface OptionMark {
  mark_iv: number
  underlying_price: number
  mark_price: number
  open_interest: number | null
}

/**
 * The option chain is stored at most once per this interval (the first fetch in it wins): enough for a volatility
 * surface that moves with the market, without storing every option's mark every minute.
 */
const IV_BUCKET_MS = 15 * 60_000

/**
 * The chain's mark IVs as stored points (mark_iv is in percent); instruments we cannot read are skipped. A call and a
 * put of one strike carry the same mark IV (one surface marks both), so each strike is kept once.
 */
function chainVols(chain: RawBookSummary[], now: Date): ImpliedVolPoint[] {
  const time = new Date(Math.floor(now.getTime() / IV_BUCKET_MS) * IV_BUCKET_MS)
  const points = new Map<string, ImpliedVolPoint>()
  for (const row of chain) {
    if (typeof row.mark_iv !== 'number' || !(row.mark_iv > 0)) continue
    const parsed = (() => {
      try {
        return parseInstrumentSymbol('deribit', row.instrument_name, 'book_summary.instrument_name')
      } catch {
        return null
      }
    })()
    if (parsed?.kind !== 'option') continue
    const forward = row.underlying_price
    const index = row.estimated_delivery_price
    const forwardRatio = typeof forward === 'number' && typeof index === 'number' && forward > 0 && index > 0 ? new Decimal(forward).div(index).toDecimalPlaces(12).toFixed() : null
    const point = { underlying: parsed.underlying, expiry: new Date(parsed.expiryMs!), strike: String(parsed.strike), iv: new Decimal(row.mark_iv).div(100).toFixed(), time, source: 'deribit', forwardRatio }
    const key = `${point.underlying}|${point.expiry.getTime()}|${point.strike}`
    if (!points.has(key)) points.set(key, point)
  }
  return [...points.values()]
}

/**
 * Deribit's contract size (its contract specifications): options are 1 coin; inverse futures and perpetuals are
 * USD notional, 10 USD a contract on BTC and 1 USD on ETH; linear USDC contracts vary by instrument (null: not known
 * without reading the instrument). Positions are stored in coin either way; this is what one contract is.
 */
export function deribitContractSize(kind: string, underlying: string, inverse: boolean): string | null {
  if (kind === 'option' || kind === 'option_combo') return '1'
  if (!inverse) return null
  return underlying === 'BTC' ? '10' : underlying === 'ETH' ? '1' : null
}

const num = (value: unknown, field: string): number => parseDecimal(value, field).toNumber()

async function fetchAccount(client: DeribitClient, config: DeribitConfig, ctx: FetchContext): Promise<VenueSnapshot> {
  const ex = client.exchange
  const summariesResponse = parsePayload('deribit', SummariesAnswerSchema, await call(client, 'reading the account summaries', () => ex.privateGetGetAccountSummaries({ extended: true })), 'account summaries')
  const positionsResponse = parsePayload('deribit', PositionsAnswerSchema, await call(client, 'reading the positions', () => ex.privateGetGetPositions({ currency: config.currency })), 'positions')
  // Stablecoin segments have no option chain of their own (their linear options are listed under BTC and ETH).
  const hasChain = config.currency === 'BTC' || config.currency === 'ETH'
  const chainResponse = hasChain ? parsePayload('deribit', BookSummaryAnswerSchema, await call(client, 'reading the option chain', () => ex.publicGetGetBookSummaryByCurrency({ currency: config.currency, kind: 'option' })), 'option chain') : { result: [] }
  const summaries = summariesResponse.result
  const list = Array.isArray(summaries) ? summaries : (summaries.summaries ?? [])
  const summary = list.find((s) => s.currency === config.currency)
  if (!summary) throw new InvalidInput('get_account_summaries', `has no ${config.currency} summary`)
  const rawPositions = positionsResponse.result.filter((p) => p.size !== 0 && p.direction !== 'zero')

  // Option marks and implied vols (positions do not carry the IV) come from the currency's option chain, in one
  // request; an option the chain does not list falls back to its own ticker.
  const chain: RawBookSummary[] = chainResponse.result
  const tickers = new Map<string, OptionMark>()
  for (const row of chain) {
    if (typeof row.mark_iv === 'number' && typeof row.underlying_price === 'number' && typeof row.mark_price === 'number') {
      tickers.set(row.instrument_name, { mark_iv: row.mark_iv, underlying_price: row.underlying_price, mark_price: row.mark_price, open_interest: row.open_interest ?? null })
    }
  }
  for (const p of rawPositions.filter((p) => p.kind === 'option' && !tickers.has(p.instrument_name))) {
    // public/ticker carries the same fields: https://docs.deribit.com/#public-ticker
    const ticker = await call(client, `reading the ${p.instrument_name} ticker`, () => ex.publicGetTicker({ instrument_name: p.instrument_name }))
    const t = parsePayload('deribit', TickerAnswerSchema, ticker, `${p.instrument_name} ticker`).result
    tickers.set(p.instrument_name, { mark_iv: t.mark_iv, underlying_price: t.underlying_price, mark_price: t.mark_price, open_interest: t.open_interest ?? null })
  }

  const positions: Position[] = []
  const unread: string[] = []
  const pm: DeribitPmPosition[] = []
  let smInitial = 0
  let smMaintenance = 0
  for (const [i, p] of rawPositions.entries()) {
    const at = `positions[${i}]`
    const parsed = (() => {
      try {
        return parseInstrumentSymbol('deribit', p.instrument_name, `${at}.instrument_name`)
      } catch {
        return null
      }
    })()
    const sign = p.direction === 'sell' ? -1 : 1
    // Futures: size is USD of notional and size_currency the coin equivalent; options: size is in coin.
    const inCoin = p.kind === 'option' || p.kind === 'option_combo'
    const sizeCoin = sign * Math.abs(inCoin ? num(p.size, `${at}.size`) : num(p.size_currency ?? p.size / p.mark_price, `${at}.size_currency`))
    const ticker = tickers.get(p.instrument_name)
    positions.push({
      instrument: {
        venueSymbol: p.instrument_name,
        kind: parsed?.kind ?? KIND_OF_UNREAD[p.kind] ?? 'future',
        underlying: parsed?.underlying ?? canonicalAsset(p.instrument_name.split(/[-_]/)[0]!).factor,
        quote: parsed?.quote ?? 'USD',
        settlement: parsed?.settlement ?? config.currency,
        inverse: parsed?.inverse ?? true,
        contractSize: deribitContractSize(p.kind, parsed?.underlying ?? canonicalAsset(p.instrument_name.split(/[-_]/)[0]!).factor, parsed?.inverse ?? true),
        expiry: parsed?.expiryMs ? new Date(parsed.expiryMs) : null,
        strike: parsed?.strike ? String(parsed.strike) : null,
        optionType: parsed?.optionType ?? null,
      },
      size: new Decimal(sizeCoin).toFixed(),
      entryPrice: new Decimal(p.average_price).toFixed(),
      markPrice: new Decimal(p.mark_price).toFixed(),
      liquidationPrice: p.estimated_liquidation_price ? new Decimal(p.estimated_liquidation_price).toFixed() : null,
      notional: inCoin ? null : new Decimal(Math.abs(p.size)).toFixed(),
      unrealizedPnl: new Decimal(p.floating_profit_loss).toFixed(),
      leverage: p.leverage ? String(p.leverage) : null,
      marginMode: summary.portfolio_margining_enabled ? 'portfolio' : 'cross',
      venueInitialMargin: new Decimal(p.initial_margin).toFixed(),
      venueMaintenanceMargin: new Decimal(p.maintenance_margin).toFixed(),
      flags: parsed ? [] : ['unknown-symbol'],
      raw: { position: p, ticker: ticker ?? null },
    })
    if (!parsed) {
      unread.push(p.instrument_name)
      continue
    }
    if (p.kind === 'option' && ticker) {
      pm.push({ instrument: p.instrument_name, kind: 'option', size: sizeCoin, expiryMs: parsed.expiryMs, strike: parsed.strike, optionType: parsed.optionType, markIv: ticker.mark_iv / 100, underlyingPrice: ticker.underlying_price })
      const m = deribitStandardOptionMargin(sizeCoin, parsed.optionType!, parsed.strike!, ticker.underlying_price, ticker.mark_price)
      smInitial += m.initialMargin
      smMaintenance += m.maintenanceMargin
    } else if (p.kind === 'future') {
      pm.push({ instrument: p.instrument_name, kind: parsed.kind === 'perpetual' ? 'perpetual' : 'future', size: sizeCoin, expiryMs: parsed.expiryMs, strike: null, optionType: null, markIv: null, underlyingPrice: p.mark_price })
      const m = deribitStandardFutureMargin(sizeCoin)
      smInitial += m.initialMargin
      smMaintenance += m.maintenanceMargin
    }
  }

  const portfolio = Boolean(summary.portfolio_margining_enabled) || (summary.margin_model ?? '').includes('pm')
  const index = rawPositions[0]?.index_price
  const pmResult = portfolio && pm.length > 0 && index
    ? deribitPortfolioMargin({ positions: pm, indexPrice: index, asOfMs: ctx.now().getTime() }, config.currency === 'ETH' ? DERIBIT_PM_ETH_PARAMS : DERIBIT_PM_BTC_PARAMS)
    : null
  const figures = (im: number, mm: number, equity: number, marginBalance: number): VenueMarginFigures =>
    marginFigures(config.currency, {
      equity: new Decimal(equity).toFixed(),
      initialMargin: new Decimal(im).toDecimalPlaces(10).toFixed(),
      maintenanceMargin: new Decimal(mm).toDecimalPlaces(10).toFixed(),
      marginRatio: marginBalance > 0 ? new Decimal(mm).div(marginBalance).toDecimalPlaces(12).toFixed() : null,
      withdrawable: new Decimal(Math.max(marginBalance - im, 0)).toDecimalPlaces(10).toFixed(),
    })
  const equity = num(summary.equity, 'summary.equity')
  const marginBalance = num(summary.margin_balance, 'summary.margin_balance')
  const reported = figures(num(summary.initial_margin, 'summary.initial_margin'), num(summary.maintenance_margin, 'summary.maintenance_margin'), equity, marginBalance)
  reported.withdrawable = new Decimal(summary.available_withdrawal_funds ?? summary.available_funds).toFixed()
  const balances: Balance[] = [
    { asset: config.currency, canonicalAsset: canonicalAsset(config.currency).factor, kind: summary.balance < 0 ? 'debt' : 'wallet', amount: new Decimal(Math.abs(summary.balance)).toFixed(), valueUsd: null, priceUsd: index ? new Decimal(index).toFixed() : null, usableAsCollateral: true, flags: [], raw: summary },
  ]
  // Equity and margin balance are taken as reported (session P&L is Deribit's own bookkeeping). A position we
  // cannot read has a margin we cannot replicate: the totals are then unknown rather than understated.
  const replicated = unread.length > 0
    ? marginFigures(config.currency, { equity: new Decimal(equity).toFixed() })
    : pmResult ? figures(pmResult.initialMargin, pmResult.maintenanceMargin, equity, marginBalance) : figures(smInitial, smMaintenance, equity, marginBalance)
  const details = unread.length > 0
    ? { model: portfolio ? 'portfolio' : 'standard', notReplicated: unread }
    : pmResult ? { model: 'portfolio', worstCase: pmResult.worstCase, rollShock: pmResult.rollShock, deltaShock: pmResult.deltaShock, worstScenario: pmResult.worstScenario } : { model: 'standard', initialMargin: smInitial, maintenanceMargin: smMaintenance }
  return {
    asOf: ctx.now(),
    blockNumber: null,
    positions,
    balances,
    margin: { reported, replicated, details },
    impliedVols: chainVols(chain, ctx.now()),
    raw: { summary, positions: rawPositions, optionMarks: Object.fromEntries(rawPositions.filter((p) => tickers.has(p.instrument_name)).map((p) => [p.instrument_name, tickers.get(p.instrument_name)])), chainSize: chain.length },
  }
}

export const deribitConnector: VenueConnector<DeribitConfig, DeribitClient> = {
  descriptor: deribitDescriptor,
  createClient,
  fetchAccount,
  verifyAccount: verifyDeribitAccount,
  closeClient: async (client) => {
    await client.exchange.close()
  },
}
