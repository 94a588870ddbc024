// OKX through ccxt's implicit v5 endpoints (the unified API drops OKX's margin figures): account balance,
// positions, each swap's contract value and position tiers; OKX's figures beside our replication.
import ccxt, { type okx as OkxExchange } from 'ccxt'
import { canonicalAsset } from '../../core/assets.js'
import { Decimal, parseDecimal, parseOptionalDecimal } from '../../core/decimal.js'
import { marginFigures, type Balance, type Position, type VenueSnapshot } from '../../core/domain.js'
import { InvalidInput, VenueRejected, VenueUnavailable } from '../../core/errors.js'
import type { ClientEnvironment, FetchContext, VenueConnector } from '../types.js'
import { requireSecret } from '../cex-credentials.js'
import { callCcxt, watchResponses, type CcxtClient } from '../ccxt-errors.js'
import { okxDescriptor, type OkxConfig } from './descriptor.js'
import { okxMarginRatio, okxPositionMargin, type OkxTier } from './margin.js'

export type OkxClient = CcxtClient<OkxExchange>

type V5<T> = { code: string; msg: string; data: T[] }

function createClient(config: OkxConfig, env: ClientEnvironment): OkxClient {
  const apiKey = requireSecret(env, config.apiKeyEnv, 'apiKeyEnv')
  const secret = requireSecret(env, config.secretEnv, 'secretEnv')
  const password = requireSecret(env, config.passphraseEnv, 'passphraseEnv')
  const exchange = new ccxt.okx({ apiKey, secret, password, enableRateLimit: true, timeout: env.timeoutMs })
  const override = env.urlOverrides?.okx
  if (override) (exchange.urls as { api: Record<string, string> }).api = { rest: override.replace(/\/$/, '') }
  return { exchange, secrets: [apiKey, secret, password], lastResponse: watchResponses(exchange) }
}

async function call<T>(client: OkxClient, what: string, work: () => Promise<V5<T>>): Promise<T[]> {
  const response = await callCcxt('okx', client, what, work)
  if (!response || !Array.isArray(response.data)) throw new VenueUnavailable(`okx sent a malformed answer during ${what}`)
  return response.data
}

interface RawPosition {
  instId: string
  instType: string
  mgnMode: string
  pos: string
  avgPx: string
  markPx: string
  lever: string
  imr: string
  mmr: string
  notionalUsd: string
  liqPx: string
  upl: string
}

async function fetchAccount(client: OkxClient, config: OkxConfig, ctx: FetchContext): Promise<VenueSnapshot> {
  const ex = client.exchange as unknown as Record<string, (params: object) => Promise<V5<unknown>>>
  const [account] = (await call(client, 'reading the balance', () => ex.privateGetAccountBalance!({}) as Promise<V5<{ totalEq: string; adjEq: string; imr: string; mmr: string; mgnRatio: string; details: { ccy: string; cashBal: string; eq: string; eqUsd: string; availBal: string }[] }>>)) as [{ totalEq: string; adjEq: string; imr: string; mmr: string; mgnRatio: string; details: { ccy: string; cashBal: string; eq: string; eqUsd: string; availBal: string }[] }]
  const raw = (await call(client, 'reading the positions', () => ex.privateGetAccountPositions!({ instType: 'SWAP' }) as Promise<V5<RawPosition>>)).filter((p) => p.pos !== '0' && p.pos !== '')
  try {
    if (!account) throw new InvalidInput('balance', 'has no account')
    const positions: Position[] = []
    const details: unknown[] = []
    let im = new Decimal(0)
    let mm = new Decimal(0)
    let fees = new Decimal(0)
    for (const p of raw) {
      const at = `positions.${p.instId}`
      const [instrument] = (await call(client, `reading ${p.instId}`, () => ex.publicGetPublicInstruments!({ instType: 'SWAP', instId: p.instId }) as Promise<V5<{ ctVal: string; settleCcy: string; uly: string }>>)) as [{ ctVal: string; settleCcy: string; uly: string }]
      const uly = instrument?.uly ?? p.instId.split('-').slice(0, 2).join('-')
      const rawTiers = (await call(client, `reading ${uly}'s position tiers`, () => ex.publicGetPublicPositionTiers!({ instType: 'SWAP', tdMode: 'cross', instFamily: uly }) as Promise<V5<{ tier: string; minSz: string; maxSz: string; mmr: string; imr: string }>>))
      const tiers: OkxTier[] = rawTiers.map((t, i) => ({ tier: Number(t.tier), minSz: parseDecimal(t.minSz, `tiers[${i}].minSz`), maxSz: parseDecimal(t.maxSz, `tiers[${i}].maxSz`), mmr: parseDecimal(t.mmr, `tiers[${i}].mmr`), imr: parseDecimal(t.imr, `tiers[${i}].imr`) }))
      const contracts = parseDecimal(p.pos, `${at}.pos`)
      const ctVal = instrument ? parseDecimal(instrument.ctVal, `${at}.ctVal`) : null
      const flags = [...(ctVal ? [] : ['unknown-instrument']), ...(tiers.length ? [] : ['no-position-tiers'])]
      const sizeCoin = ctVal ? contracts.mul(ctVal) : contracts
      if (ctVal && tiers.length) {
        const m = okxPositionMargin({ instId: p.instId, pos: contracts, ctVal, markPx: parseDecimal(p.markPx, `${at}.markPx`), lever: parseDecimal(p.lever, `${at}.lever`), tiers }, new Decimal(config.takerFeeRate))
        im = im.plus(m.initialMargin)
        mm = mm.plus(m.maintenanceMargin)
        fees = fees.plus(m.feeToClose)
        details.push({ instId: p.instId, tier: m.tier, notional: m.notional.toFixed(), initialMargin: m.initialMargin.toFixed(), maintenanceMargin: m.maintenanceMargin.toFixed(), feeToClose: m.feeToClose.toFixed() })
      }
      positions.push({
        instrument: { venueSymbol: p.instId, kind: 'perpetual', underlying: canonicalAsset(uly.split('-')[0]!).factor, quote: uly.split('-')[1] ?? 'USDT', settlement: instrument?.settleCcy ?? 'USDT', inverse: (instrument?.settleCcy ?? 'USDT') === uly.split('-')[0], contractSize: ctVal?.toFixed() ?? null, expiry: null, strike: null, optionType: null },
        size: sizeCoin.toFixed(),
        entryPrice: parseDecimal(p.avgPx, `${at}.avgPx`).toFixed(),
        markPrice: parseDecimal(p.markPx, `${at}.markPx`).toFixed(),
        liquidationPrice: parseOptionalDecimal(p.liqPx, `${at}.liqPx`)?.toFixed() ?? null,
        notional: parseOptionalDecimal(p.notionalUsd, `${at}.notionalUsd`)?.toFixed() ?? null,
        unrealizedPnl: parseOptionalDecimal(p.upl, `${at}.upl`)?.toFixed() ?? null,
        leverage: parseOptionalDecimal(p.lever, `${at}.lever`)?.toFixed() ?? null,
        marginMode: p.mgnMode === 'isolated' ? 'isolated' : 'cross',
        venueInitialMargin: parseOptionalDecimal(p.imr, `${at}.imr`)?.toFixed() ?? null,
        venueMaintenanceMargin: parseOptionalDecimal(p.mmr, `${at}.mmr`)?.toFixed() ?? null,
        flags,
        raw: p,
      })
    }
    const usdt = account.details.find((d) => d.ccy === 'USDT')
    const equity = usdt ? parseDecimal(usdt.eq, 'balance.details.USDT.eq') : parseDecimal(account.totalEq, 'balance.totalEq')
    const balances: Balance[] = account.details
      .filter((d) => !parseDecimal(d.cashBal, `balance.details.${d.ccy}.cashBal`).isZero())
      .map((d) => ({ asset: d.ccy, canonicalAsset: canonicalAsset(d.ccy).factor, kind: 'wallet' as const, amount: parseDecimal(d.cashBal, `balance.details.${d.ccy}.cashBal`).abs().toFixed(), valueUsd: parseOptionalDecimal(d.eqUsd, `balance.details.${d.ccy}.eqUsd`)?.toFixed() ?? null, priceUsd: null, usableAsCollateral: true, flags: [], raw: d }))
    // In simple (spot-only) mode OKX leaves imr, mmr and mgnRatio empty: those stay null, never zero.
    const reportedRatio = parseOptionalDecimal(account.mgnRatio, 'balance.mgnRatio')
    const ours = okxMarginRatio(equity, mm, fees)
    const figures = (initial: Decimal | null, maintenance: Decimal | null, ratio: Decimal | null) =>
      marginFigures('USDT', {
        equity: equity.toFixed(),
        initialMargin: initial?.toFixed() ?? null,
        maintenanceMargin: maintenance?.toFixed() ?? null,
        // OKX's margin ratio is equity over requirement (liquidation at 1); stored inverted to our convention
        // (requirement / equity, liquidation at 1) so every venue's ratio reads the same way.
        marginRatio: ratio && ratio.gt(0) ? new Decimal(1).div(ratio).toDecimalPlaces(12).toFixed() : null,
        withdrawable: usdt ? parseDecimal(usdt.availBal, 'balance.details.USDT.availBal').toFixed() : null,
      })
    return {
      asOf: ctx.now(),
      blockNumber: null,
      positions,
      balances,
      margin: {
        reported: figures(parseOptionalDecimal(account.imr, 'balance.imr'), parseOptionalDecimal(account.mmr, 'balance.mmr'), reportedRatio),
        replicated: figures(im, mm, ours),
        details: { positions: details, okxMarginRatio: ours?.toDecimalPlaces(8).toFixed() ?? null },
      },
      raw: { balance: account, positions: raw },
    }
  } catch (error) {
    if (error instanceof InvalidInput) throw new VenueRejected(`okx sent an unusable answer: ${error.message}`)
    throw error
  }
}

export const okxConnector: VenueConnector<OkxConfig, OkxClient> = {
  descriptor: okxDescriptor,
  createClient,
  fetchAccount,
  closeClient: async (client) => {
    await client.exchange.close()
  },
}
