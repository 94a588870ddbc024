// OKX through ccxt's implicit v5 endpoints (the unified API drops OKX's margin figures): account balance,
// positions, the swaps' contract values and position tiers; OKX's figures beside our replication.
import ccxt, { type okx as OkxExchange } from 'ccxt'
import { z } from 'zod'
import { canonicalAsset } from '../../core/assets.js'
import { Decimal, parseDecimal, parseOptionalDecimal } from '../../core/decimal.js'
import { marginFigures, type Balance, type Position, type VenueSnapshot } from '../../core/domain.js'
import { InvalidInput, VenueRejected, VenueUnavailable } from '../../core/errors.js'
import type { AccountVerification, ClientEnvironment, FetchContext, VenueConnector } from '../types.js'
import { parsePayload } from '../payload.js'
import { requireSecret } from '../cex-credentials.js'
import { callCcxt, watchResponses, type CcxtClient } from '../ccxt-errors.js'
import { okxDescriptor, type OkxConfig } from './descriptor.js'
import { okxCrossMarginRatio, okxPositionMargin, type OkxTier } from './margin.js'
import { okxAccountWarnings } from './verification.js'
import { AccountConfigSchema, BalanceSchema, InstrumentSchema, PositionSchema, TierSchema, type RawBalance, type RawDetail } from './payloads.js'

export type OkxClient = CcxtClient<OkxExchange>

/** Every v5 answer is `{ code, msg, data: [...] }`; a body without its data list is a malformed answer. */
const EnvelopeSchema = z.looseObject({ data: z.array(z.unknown()) })

function createClient(config: OkxConfig, env: ClientEnvironment): OkxClient {
  const apiKey = requireSecret(env, config.apiKeyEnv, 'apiKeyEnv')
  const secret = requireSecret(env, config.secretEnv, 'secretEnv')
  const password = requireSecret(env, config.passphraseEnv, 'passphraseEnv')
  const exchange = new ccxt.okx({ apiKey, secret, password, enableRateLimit: true, timeout: env.timeoutMs })
  const override = env.urlOverrides?.okx
  if (override) exchange.urls.api = { rest: override.replace(/\/$/, '') }
  return { exchange, secrets: [apiKey, secret, password], lastResponse: watchResponses(exchange) }
}

// 503 and 50001 ("service temporarily unavailable", ccxt's OnMaintenance) and 429 / 50011 with its Retry-After are
// read by the shared mapping; nothing OKX-specific is left to add here.
async function call<S extends z.ZodType>(client: OkxClient, what: string, row: S, work: (ex: OkxExchange) => Promise<unknown>): Promise<z.output<S>[]> {
  const response = EnvelopeSchema.safeParse(await callCcxt('okx', client, what, () => work(client.exchange)))
  if (!response.success) throw new VenueUnavailable(`okx sent a malformed answer during ${what}`)
  return parsePayload('okx', z.array(row), response.data.data, `answer to ${what}`)
}

/** Which figures the account reports, by margin mode: multi-currency and portfolio in USD, single-currency per coin. */
function accountScope(account: RawBalance, settle: RawDetail | undefined) {
  const adjusted = parseOptionalDecimal(account.adjEq, 'balance.adjEq')
  if (adjusted) {
    return { mode: 'multi-currency', currency: 'USD', equity: adjusted, imr: parseOptionalDecimal(account.imr, 'balance.imr'), mmr: parseOptionalDecimal(account.mmr, 'balance.mmr'), mgnRatio: parseOptionalDecimal(account.mgnRatio, 'balance.mgnRatio'), notional: parseOptionalDecimal(account.notionalUsd, 'balance.notionalUsd') }
  }
  // Single-currency margin reports per currency; simple (spot) mode leaves every figure empty: null, never zero.
  const at = `balance.details.${settle?.ccy ?? 'USDT'}`
  return {
    mode: 'single-currency',
    currency: settle?.ccy ?? 'USDT',
    equity: settle ? parseDecimal(settle.eq, `${at}.eq`) : parseDecimal(account.totalEq, 'balance.totalEq'),
    imr: parseOptionalDecimal(settle?.imr, `${at}.imr`),
    mmr: parseOptionalDecimal(settle?.mmr, `${at}.mmr`),
    mgnRatio: parseOptionalDecimal(settle?.mgnRatio, `${at}.mgnRatio`),
    notional: null,
  }
}

async function fetchAccount(client: OkxClient, config: OkxConfig, ctx: FetchContext): Promise<VenueSnapshot> {
  const [account] = await call(client, 'reading the balance', BalanceSchema, (ex) => ex.privateGetAccountBalance({}))
  const raw = (await call(client, 'reading the positions', PositionSchema, (ex) => ex.privateGetAccountPositions({ instType: 'SWAP' }))).filter((p) => p.pos !== '0' && p.pos !== '')
  // One answer for every swap: a position in an instrument it does not list is kept and flagged, not an error.
  const instruments = raw.length > 0 ? await call(client, 'reading the swap instruments', InstrumentSchema, (ex) => ex.publicGetPublicInstruments({ instType: 'SWAP' })) : []
  const byId = new Map(instruments.map((i) => [i.instId, i]))
  const tiersByFamily = new Map<string, z.output<typeof TierSchema>[]>()
  for (const p of raw) {
    const family = byId.get(p.instId)?.uly
    if (family && !tiersByFamily.has(family)) {
      tiersByFamily.set(family, await call(client, `reading ${family}'s position tiers`, TierSchema, (ex) => ex.publicGetPublicPositionTiers({ instType: 'SWAP', tdMode: 'cross', instFamily: family })))
    }
  }
  ctx.signal.throwIfAborted()
  if (!account) throw new InvalidInput('balance', 'has no account')
  const positions: Position[] = []
  const details: unknown[] = []
  let im: Decimal | null = new Decimal(0)
  let mm: Decimal | null = new Decimal(0)
  let notional: Decimal | null = new Decimal(0)
  const fee = new Decimal(config.takerFeeRate)
  for (const p of raw) {
    const at = `positions.${p.instId}`
    const instrument = byId.get(p.instId)
    const family = instrument?.uly ?? p.instId.split('-').slice(0, 2).join('-')
    const tiers: OkxTier[] = (instrument ? (tiersByFamily.get(family) ?? []) : []).map((t, i) => ({ tier: Number(t.tier), minSz: parseDecimal(t.minSz, `tiers.${family}[${i}].minSz`), maxSz: parseDecimal(t.maxSz, `tiers.${family}[${i}].maxSz`), mmr: parseDecimal(t.mmr, `tiers.${family}[${i}].mmr`), imr: parseDecimal(t.imr, `tiers.${family}[${i}].imr`) }))
    const contracts = parseDecimal(p.pos, `${at}.pos`)
    const markPx = parseDecimal(p.markPx, `${at}.markPx`)
    const ctVal = instrument ? parseDecimal(instrument.ctVal, `${at}.ctVal`) : null
    const flags = [...(instrument ? [] : ['unknown-symbol']), ...(instrument && tiers.length === 0 ? ['no-position-tiers'] : [])]
    const [base, quote] = family.split('-')
    const settlement = instrument?.settleCcy ?? quote ?? 'USDT'
    const inverse = instrument ? (instrument.ctType ? instrument.ctType === 'inverse' : settlement === base) : false
    if (ctVal && tiers.length > 0 && !inverse && p.mgnMode === 'cross') {
      const m = okxPositionMargin({ instId: p.instId, pos: contracts, ctVal, markPx, lever: parseDecimal(p.lever, `${at}.lever`), tiers }, fee)
      im = im && im.plus(m.initialMargin)
      mm = mm && mm.plus(m.maintenanceMargin)
      notional = notional && notional.plus(m.notional)
      details.push({ instId: p.instId, tier: m.tier, notional: m.notional.toFixed(), initialMargin: m.initialMargin.toFixed(), maintenanceMargin: m.maintenanceMargin.toFixed(), feeToClose: m.feeToClose.toFixed() })
    } else {
      // Unknown, tierless, inverse or isolated positions are not replicated: the cross totals become unknown.
      im = mm = notional = null
      details.push({ instId: p.instId, mgnMode: p.mgnMode, flags: flags.length > 0 ? flags : [inverse ? 'inverse-not-replicated' : 'isolated-not-replicated'] })
    }
    positions.push({
      instrument: { venueSymbol: p.instId, kind: 'perpetual', underlying: canonicalAsset(base ?? p.instId).factor, quote: quote ?? 'USDT', settlement, inverse, contractSize: ctVal?.toFixed() ?? null, expiry: null, strike: null, optionType: null },
      // Linear swaps: contracts × coin per contract. Without the contract value the count stays in contracts (flagged).
      size: (ctVal && !inverse ? contracts.mul(ctVal) : contracts).toFixed(),
      entryPrice: parseDecimal(p.avgPx, `${at}.avgPx`).toFixed(),
      markPrice: markPx.toFixed(),
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
  const settle = account.details.find((d) => d.ccy === 'USDT')
  const scope = accountScope(account, settle)
  const balances: Balance[] = account.details
    .filter((d) => !parseDecimal(d.cashBal, `balance.details.${d.ccy}.cashBal`).isZero())
    .map((d) => {
      const amount = parseDecimal(d.cashBal, `balance.details.${d.ccy}.cashBal`)
      return { asset: d.ccy, canonicalAsset: canonicalAsset(d.ccy).factor, kind: amount.isNegative() ? ('debt' as const) : ('wallet' as const), amount: amount.abs().toFixed(), valueUsd: parseOptionalDecimal(d.eqUsd, `balance.details.${d.ccy}.eqUsd`)?.toFixed() ?? null, priceUsd: null, usableAsCollateral: true, flags: [], raw: d }
    })
  const ours = mm && notional ? okxCrossMarginRatio(scope.equity, mm, notional, fee) : null
  // The same rule over OKX's own totals: how far our rule, not our position figures, is from OKX's mgnRatio.
  const fromReported = scope.mmr && scope.notional ? okxCrossMarginRatio(scope.equity, scope.mmr, scope.notional, fee) : null
  const figures = (initial: Decimal | null, maintenance: Decimal | null, ratio: Decimal | null) =>
    marginFigures(scope.currency, {
      equity: scope.equity.toFixed(),
      initialMargin: initial?.toFixed() ?? null,
      maintenanceMargin: maintenance?.toFixed() ?? null,
      // OKX's margin ratio is equity over requirement (liquidation at 1); stored inverted to our convention
      // (requirement / equity, liquidation at 1) so every venue's ratio reads the same way.
      marginRatio: ratio && ratio.gt(0) ? new Decimal(1).div(ratio).toDecimalPlaces(12).toFixed() : null,
      withdrawable: settle ? parseDecimal(settle.availBal, 'balance.details.USDT.availBal').toFixed() : null,
    })
  return {
    asOf: account.uTime ? new Date(Number(account.uTime)) : ctx.now(),
    blockNumber: null,
    positions,
    balances,
    margin: {
      reported: figures(scope.imr, scope.mmr, scope.mgnRatio),
      replicated: figures(im, mm, ours),
      details: {
        mode: scope.mode,
        positions: details,
        okxMarginRatio: ours?.toDecimalPlaces(8).toFixed() ?? null,
        okxMarginRatioFromReportedMm: fromReported?.toFixed() ?? null,
        reportedMgnRatio: scope.mgnRatio?.toFixed() ?? null,
      },
    },
    raw: { balance: account, positions: raw },
  }
}

/** Reads the key's permissions and the account mode; a key that can trade or withdraw, or a spot-only mode, warns. */
async function verifyAccount(client: OkxClient, _config: OkxConfig, ctx: FetchContext): Promise<AccountVerification> {
  const [config] = await call(client, 'reading the account configuration', AccountConfigSchema, (ex) => ex.privateGetAccountConfig({}))
  ctx.signal.throwIfAborted()
  if (!config) throw new VenueRejected('okx sent an account configuration with no account in it')
  return { warnings: okxAccountWarnings(config) }
}

export const okxConnector: VenueConnector<OkxConfig, OkxClient> = {
  descriptor: okxDescriptor,
  createClient,
  fetchAccount,
  verifyAccount,
  closeClient: async (client) => {
    await client.exchange.close()
  },
}
