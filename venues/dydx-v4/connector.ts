// dYdX v4 connector: the indexer's subaccount (perpetual and asset positions, equity, free collateral) and its
// perpetual markets (oracle price, margin fractions, open-interest caps), mapped to the normalised snapshot with
// dYdX's figures beside our replication.
import { canonicalAsset } from '../../core/assets.js'
import { Decimal, parseDecimal } from '../../core/decimal.js'
import { marginFigures, type Balance, type Position, type VenueSnapshot } from '../../core/domain.js'
import { InvalidInput, VenueRejected } from '../../core/errors.js'
import { getJson } from '../../core/http/json-client.js'
import type { AccountVerification, ClientEnvironment, FetchContext, VenueConnector } from '../types.js'
import { parsePayload } from '../payload.js'
import { AddressAnswerSchema, PerpetualMarketsSchema, SubaccountAnswerSchema, type PerpetualMarket } from './payloads.js'
import { dydxV4Descriptor, type DydxV4Config } from './descriptor.js'
import { calculateDydxAccount, dydxFigures, type DydxMarket, type DydxPositionInput } from './margin.js'

export interface DydxV4Client {
  baseUrl: string
  timeoutMs: number
}

function createClient(config: DydxV4Config, env: ClientEnvironment): DydxV4Client {
  return { baseUrl: (env.urlOverrides?.['dydx-v4'] ?? config.indexerUrl).replace(/\/$/, ''), timeoutMs: env.timeoutMs }
}

function toMarket(raw: PerpetualMarket, ticker: string): DydxMarket {
  const d = (key: 'oraclePrice' | 'initialMarginFraction' | 'maintenanceMarginFraction' | 'openInterest' | 'openInterestLowerCap' | 'openInterestUpperCap', fallback?: string) => parseDecimal(raw[key] ?? fallback, `perpetualMarkets.${ticker}.${key}`)
  return {
    ticker,
    oraclePrice: d('oraclePrice'),
    initialMarginFraction: d('initialMarginFraction'),
    maintenanceMarginFraction: d('maintenanceMarginFraction'),
    openInterest: d('openInterest', '0'),
    openInterestLowerCap: d('openInterestLowerCap', '0'),
    openInterestUpperCap: d('openInterestUpperCap', '0'),
  }
}

async function fetchAccount(client: DydxV4Client, config: DydxV4Config, ctx: FetchContext): Promise<VenueSnapshot> {
  const opts = (what: string) => ({ venue: 'dydx-v4', timeoutMs: client.timeoutMs, signal: ctx.signal, what })
  let accountAnswer: unknown
  try {
    accountAnswer = await getJson(`${client.baseUrl}/v4/addresses/${config.address}/subaccountNumber/${config.subaccountNumber}`, opts('reading the subaccount'))
  } catch (error) {
    if (error instanceof VenueRejected && error.message.includes('HTTP 404')) throw new VenueRejected(`dydx-v4: subaccount ${config.subaccountNumber} of ${config.address} does not exist`)
    throw error
  }
  const sub = parsePayload('dydx-v4', SubaccountAnswerSchema, accountAnswer, 'subaccount').subaccount
  const rawMarkets = parsePayload('dydx-v4', PerpetualMarketsSchema, await getJson(`${client.baseUrl}/v4/perpetualMarkets`, opts('reading the perpetual markets')), 'perpetual markets')
  const markets = Object.fromEntries(Object.entries(rawMarkets.markets).map(([t, m]) => [t, toMarket(m, t)]))
  const usdcRow = sub.assetPositions?.USDC
  const usdc = usdcRow ? parseDecimal(usdcRow.size, 'assetPositions.USDC.size').abs().mul(usdcRow.side === 'SHORT' ? -1 : 1) : new Decimal(0)
  const positions: Position[] = []
  const inputs: DydxPositionInput[] = []
  let entryNotional = new Decimal(0)
  for (const [ticker, p] of Object.entries(sub.openPerpetualPositions)) {
    const size = parseDecimal(p.size, `openPerpetualPositions.${ticker}.size`)
    const entry = parseDecimal(p.entryPrice, `openPerpetualPositions.${ticker}.entryPrice`)
    entryNotional = entryNotional.plus(size.mul(entry))
    const upnl = parseDecimal(p.unrealizedPnl, `openPerpetualPositions.${ticker}.unrealizedPnl`)
    // The indexer values a position at the oracle price of its latest processed block; the markets endpoint may be
    // a few blocks later. The position's own oracle (entry + uPnL / size) keeps every figure at one height.
    const oracle = size.isZero() ? (markets[ticker]?.oraclePrice ?? entry) : entry.plus(upnl.div(size))
    const flags = markets[ticker] ? [] : ['unknown-market']
    positions.push({
      instrument: { venueSymbol: ticker, kind: 'perpetual', underlying: canonicalAsset(ticker.split('-')[0]!).factor, quote: 'USD', settlement: 'USDC', inverse: false, contractSize: '1', expiry: null, strike: null, optionType: null },
      size: size.toFixed(),
      entryPrice: entry.toFixed(),
      markPrice: oracle.toFixed(),
      liquidationPrice: null,
      notional: size.abs().mul(oracle).toFixed(),
      unrealizedPnl: upnl.toFixed(),
      leverage: null,
      marginMode: 'cross',
      venueInitialMargin: null,
      venueMaintenanceMargin: null,
      flags,
      raw: p,
    })
    if (markets[ticker]) inputs.push({ market: ticker, size, oraclePrice: oracle })
  }
  const replicated = calculateDydxAccount(usdc, inputs, markets)
  for (const row of replicated.positions) {
    const position = positions.find((p) => p.instrument.venueSymbol === row.market)!
    position.liquidationPrice = row.liquidationPrice?.toDecimalPlaces(6).toFixed() ?? null
  }
  const equity = parseDecimal(sub.equity, 'subaccount.equity')
  const free = parseDecimal(sub.freeCollateral, 'subaccount.freeCollateral')
  // dYdX's USDC asset position holds what the perpetuals were opened for (a short's proceeds, a long's cost):
  // equity = USDC + Σ size × oracle. Stored as every other perp venue's cash, net of the positions' entry
  // notional (USDC + Σ size × entry = equity − unrealised P&L), so balance + unrealised P&L is the equity and the
  // risk engine does not count the entry notional twice. The indexer's own figure stays in `raw`.
  const balances: Balance[] = Object.values(sub.assetPositions ?? {}).map((a) => {
    const signed = parseDecimal(a.size, `assetPositions.${a.symbol}.size`).abs().mul(a.side === 'SHORT' ? -1 : 1)
    const cash = a.symbol === 'USDC' ? signed.plus(entryNotional) : signed
    return {
      asset: a.symbol,
      canonicalAsset: canonicalAsset(a.symbol).factor,
      kind: cash.isNegative() ? 'debt' : 'wallet',
      amount: cash.abs().toFixed(),
      valueUsd: a.symbol === 'USDC' ? cash.abs().toFixed() : null,
      priceUsd: a.symbol === 'USDC' ? '1' : null,
      usableAsCollateral: a.symbol === 'USDC',
      flags: a.symbol === 'USDC' && !entryNotional.isZero() ? ['net-of-entry-notional'] : [],
      raw: a,
    }
  })
  return {
    asOf: ctx.now(),
    blockNumber: sub.latestProcessedBlockHeight ? BigInt(sub.latestProcessedBlockHeight) : null,
    positions,
    balances,
    margin: {
      reported: marginFigures('USDC', { equity: equity.toFixed(), initialMargin: equity.minus(free).toFixed(), withdrawable: Decimal.max(free, 0).toFixed() }),
      replicated: dydxFigures(replicated),
      details: replicated.positions.map((p) => ({ market: p.market, notional: p.notional.toFixed(), imf: p.imf.toFixed(), mmf: p.mmf.toFixed(), initialMargin: p.initialMargin.toFixed(), maintenanceMargin: p.maintenanceMargin.toFixed(), liquidationPrice: p.liquidationPrice?.toDecimalPlaces(6).toFixed() ?? null })),
    },
    raw: { subaccount: sub, perpetualMarkets: rawMarkets },
  }
}

/**
 * Before an account is stored: the indexer must know the address (404 otherwise) and list the subaccount. A
 * subaccount is created on its first deposit, so a number the address never used is a mistake in the config.
 */
async function verifyAccount(client: DydxV4Client, config: DydxV4Config, ctx: FetchContext): Promise<AccountVerification> {
  let answer: unknown
  try {
    answer = await getJson(`${client.baseUrl}/v4/addresses/${config.address}`, { venue: 'dydx-v4', timeoutMs: client.timeoutMs, signal: ctx.signal, what: 'looking up the address' })
  } catch (error) {
    if (error instanceof VenueRejected && error.message.includes('HTTP 404')) throw new InvalidInput('address', `the dYdX indexer knows no account at ${config.address} (it has never deposited)`)
    throw error
  }
  const numbers = parsePayload('dydx-v4', AddressAnswerSchema, answer, 'address lookup').subaccounts.map((s) => s.subaccountNumber)
  if (!numbers.includes(config.subaccountNumber)) {
    throw new InvalidInput('subaccountNumber', `${config.address} has no subaccount ${config.subaccountNumber} (it has ${numbers.length > 0 ? numbers.join(', ') : 'none'})`)
  }
  return { warnings: [] }
}

export const dydxV4Connector: VenueConnector<DydxV4Config, DydxV4Client> = {
  descriptor: dydxV4Descriptor,
  createClient,
  fetchAccount,
  verifyAccount,
}
