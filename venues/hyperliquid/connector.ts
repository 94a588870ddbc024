// Hyperliquid connector: the info API's clearinghouseState (perp positions, cross and isolated, margin summaries),
// spotClearinghouseState (spot balances) and meta (maximum leverage and margin tables per asset), mapped to the
// normalised snapshot with Hyperliquid's figures beside our replication.
import { canonicalAsset } from '../../core/assets.js'
import { Decimal, parseDecimal } from '../../core/decimal.js'
import type { Balance, Position, VenueSnapshot } from '../../core/domain.js'
import { postJson } from '../../core/http/json-client.js'
import type { ClientEnvironment, FetchContext, VenueConnector } from '../types.js'
import { parsePayload } from '../payload.js'
import { hyperliquidDescriptor, type HyperliquidConfig } from './descriptor.js'
import { ClearinghouseStateSchema, MetaSchema, SpotStateSchema, type Meta } from './payloads.js'
import { calculateHyperliquidAccount, hyperliquidFigures, type HyperliquidPositionInput, type MarginTier } from './margin.js'

export interface HyperliquidClient {
  infoUrl: string
  timeoutMs: number
}

/** Request weights of the info types read here (Hyperliquid's rate-limit docs): most cost 20, these 2. */
const WEIGHT = { clearinghouseState: 2, spotClearinghouseState: 2, meta: 20 } as const

/** Each asset's margin tiers: its table when meta has one, else one tier from zero at its max leverage. */
function marginTiers(meta: Meta): Map<string, MarginTier[]> {
  const tables = new Map((meta.marginTables ?? []).map(([id, table]) => [id, table]))
  return new Map(
    meta.universe.map((u, i) => {
      const table = u.marginTableId === undefined ? undefined : tables.get(u.marginTableId)
      const tiers = table?.marginTiers.length
        ? table.marginTiers.map((t, j) => ({ lowerBound: parseDecimal(t.lowerBound, `meta.marginTables[${u.marginTableId}].marginTiers[${j}].lowerBound`), maxLeverage: new Decimal(t.maxLeverage) }))
        : [{ lowerBound: new Decimal(0), maxLeverage: parseDecimal(u.maxLeverage, `meta.universe[${i}].maxLeverage`) }]
      return [u.name, tiers.sort((a, b) => a.lowerBound.comparedTo(b.lowerBound))]
    }),
  )
}

function createClient(config: HyperliquidConfig, env: ClientEnvironment): HyperliquidClient {
  const base = env.urlOverrides?.hyperliquid ?? config.apiUrl
  return { infoUrl: `${base.replace(/\/$/, '')}/info`, timeoutMs: env.timeoutMs }
}

async function fetchAccount(client: HyperliquidClient, config: HyperliquidConfig, ctx: FetchContext): Promise<VenueSnapshot> {
  const opts = (what: string, type: keyof typeof WEIGHT) => ({ venue: 'hyperliquid', timeoutMs: client.timeoutMs, signal: ctx.signal, what, weight: WEIGHT[type] })
  const [rawState, rawSpot, rawMeta] = await Promise.all([
    postJson(client.infoUrl, { type: 'clearinghouseState', user: config.user }, opts('reading the clearinghouse state', 'clearinghouseState')),
    postJson(client.infoUrl, { type: 'spotClearinghouseState', user: config.user }, opts('reading the spot balances', 'spotClearinghouseState')),
    postJson(client.infoUrl, { type: 'meta' }, opts('reading the asset metadata', 'meta')),
  ])
  const state = parsePayload('hyperliquid', ClearinghouseStateSchema, rawState, 'clearinghouse state')
  const spot = parsePayload('hyperliquid', SpotStateSchema, rawSpot, 'spot clearinghouse state')
  const meta = parsePayload('hyperliquid', MetaSchema, rawMeta, 'asset metadata')
  const tiersByCoin = marginTiers(meta)
  const positions: Position[] = []
  const inputs: HyperliquidPositionInput[] = []
  let unrealized = new Decimal(0)
  state.assetPositions.forEach(({ position: p }, i) => {
    const at = `assetPositions[${i}]`
    const szi = parseDecimal(p.szi, `${at}.szi`)
    if (szi.isZero()) return
    const value = parseDecimal(p.positionValue, `${at}.positionValue`)
    const mark = value.div(szi.abs())
    const tiers = tiersByCoin.get(p.coin)
    const flags = tiers === undefined ? ['unknown-asset'] : []
    const isolated = p.leverage.type === 'isolated'
    unrealized = unrealized.plus(parseDecimal(p.unrealizedPnl, `${at}.unrealizedPnl`))
    positions.push({
      instrument: { venueSymbol: p.coin, kind: 'perpetual', underlying: canonicalAsset(p.coin).factor, quote: 'USD', settlement: 'USDC', inverse: false, contractSize: '1', expiry: null, strike: null, optionType: null },
      size: szi.toFixed(),
      entryPrice: p.entryPx === null ? null : parseDecimal(p.entryPx, `${at}.entryPx`).toFixed(),
      markPrice: mark.toFixed(),
      liquidationPrice: p.liquidationPx === null ? null : parseDecimal(p.liquidationPx, `${at}.liquidationPx`).toFixed(),
      notional: value.toFixed(),
      unrealizedPnl: parseDecimal(p.unrealizedPnl, `${at}.unrealizedPnl`).toFixed(),
      leverage: String(p.leverage.value),
      marginMode: isolated ? 'isolated' : 'cross',
      venueInitialMargin: parseDecimal(p.marginUsed, `${at}.marginUsed`).toFixed(),
      venueMaintenanceMargin: null,
      flags,
      raw: p,
    })
    // An asset missing from meta has no known margin table: its own leverage stands in as one tier (flagged above).
    inputs.push({
      coin: p.coin,
      szi,
      markPx: mark,
      leverage: new Decimal(p.leverage.value),
      tiers: tiers ?? [{ lowerBound: new Decimal(0), maxLeverage: new Decimal(p.leverage.value) }],
      isolatedRawUsd: isolated ? parseDecimal(p.leverage.rawUsd, `${at}.leverage.rawUsd`) : null,
    })
  })
  const summary = state.marginSummary
  const crossSummary = state.crossMarginSummary ?? state.marginSummary
  const accountValue = parseDecimal(summary.accountValue, 'marginSummary.accountValue')
  const replicated = calculateHyperliquidAccount({
    rawUsd: parseDecimal(summary.totalRawUsd, 'marginSummary.totalRawUsd'),
    crossRawUsd: parseDecimal(crossSummary.totalRawUsd, 'crossMarginSummary.totalRawUsd'),
    positions: inputs,
  })
  // Collateral: account value less unrealised P&L is the USDC the perp account holds.
  const usdc = accountValue.minus(unrealized)
  const balances: Balance[] = [
    { asset: 'USDC', canonicalAsset: 'USD', kind: usdc.isNegative() ? 'debt' : 'wallet', amount: usdc.abs().toFixed(), valueUsd: usdc.abs().toFixed(), priceUsd: '1', usableAsCollateral: true, flags: [], raw: summary },
  ]
  // Spot balances sit beside the perp account: the owner's assets, not margin for the perps (a transfer moves them).
  spot.balances.forEach((b, i) => {
    const total = parseDecimal(b.total, `spotClearinghouseState.balances[${i}].total`)
    if (total.isZero()) return
    const stable = b.coin === 'USDC'
    balances.push({ asset: b.coin, canonicalAsset: canonicalAsset(b.coin).factor, kind: 'wallet', amount: total.toFixed(), valueUsd: stable ? total.toFixed() : null, priceUsd: stable ? '1' : null, usableAsCollateral: false, flags: ['spot'], raw: b })
  })
  return {
    asOf: state.time ? new Date(state.time) : ctx.now(),
    blockNumber: null,
    positions,
    balances,
    margin: {
      reported: {
        currency: 'USDC',
        equity: accountValue.toFixed(),
        totalCollateral: null,
        totalDebt: null,
        initialMargin: parseDecimal(summary.totalMarginUsed, 'marginSummary.totalMarginUsed').toFixed(),
        maintenanceMargin: state.crossMaintenanceMarginUsed ? parseDecimal(state.crossMaintenanceMarginUsed, 'crossMaintenanceMarginUsed').toFixed() : null,
        marginRatio: null,
        healthFactor: null,
        liquidationThreshold: null,
        ltv: null,
        availableBorrows: null,
        withdrawable: parseDecimal(state.withdrawable, 'withdrawable').toFixed(),
      },
      replicated: hyperliquidFigures(replicated),
      details: replicated.positions.map((p) => ({
        coin: p.coin, isolated: p.isolated, positionValue: p.positionValue.toFixed(), initialMargin: p.initialMargin.toFixed(), maintenanceMargin: p.maintenanceMargin.toFixed(), tier: p.tier,
        leverage: p.leverage.toFixed(), brackets: p.brackets.map((b) => ({ upTo: b.upTo?.toFixed() ?? null, rate: b.rate.toFixed(), deduction: b.deduction.toFixed() })),
        liquidationPrice: p.liquidationPrice?.toDecimalPlaces(6).toFixed() ?? null,
      })),
    },
    raw: { clearinghouseState: state, spotClearinghouseState: spot, meta },
  }
}

export const hyperliquidConnector: VenueConnector<HyperliquidConfig, HyperliquidClient> = {
  descriptor: hyperliquidDescriptor,
  createClient,
  fetchAccount,
}
