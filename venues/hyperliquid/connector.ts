// Hyperliquid connector: the info API's clearinghouseState (positions, margin summary) and meta (maximum
// leverage per asset), mapped to the normalised snapshot with Hyperliquid's figures beside our replication.
import { canonicalAsset } from '../../core/assets.js'
import { Decimal, parseDecimal } from '../../core/decimal.js'
import type { Balance, Position, VenueSnapshot } from '../../core/domain.js'
import { InvalidInput, VenueRejected } from '../../core/errors.js'
import { postJson } from '../../core/http/json-client.js'
import type { ClientEnvironment, FetchContext, VenueConnector } from '../types.js'
import { hyperliquidDescriptor, type HyperliquidConfig } from './descriptor.js'
import { calculateHyperliquidAccount, hyperliquidFigures, type HyperliquidPositionInput } from './margin.js'

export interface HyperliquidClient {
  infoUrl: string
  timeoutMs: number
}

interface RawPosition {
  coin: string
  szi: string
  entryPx: string | null
  positionValue: string
  unrealizedPnl: string
  liquidationPx: string | null
  marginUsed: string
  leverage: { type: 'cross' | 'isolated'; value: number }
}

interface ClearinghouseState {
  assetPositions: { position: RawPosition; type: string }[]
  marginSummary: { accountValue: string; totalMarginUsed: string; totalNtlPos: string; totalRawUsd: string }
  crossMarginSummary?: { accountValue: string; totalMarginUsed: string; totalNtlPos: string; totalRawUsd: string }
  crossMaintenanceMarginUsed?: string
  withdrawable: string
  time?: number
}

interface Meta {
  universe: { name: string; maxLeverage: number; szDecimals: number }[]
}

function createClient(config: HyperliquidConfig, env: ClientEnvironment): HyperliquidClient {
  const base = env.urlOverrides?.hyperliquid ?? config.apiUrl
  return { infoUrl: `${base.replace(/\/$/, '')}/info`, timeoutMs: env.timeoutMs }
}

async function fetchAccount(client: HyperliquidClient, config: HyperliquidConfig, ctx: FetchContext): Promise<VenueSnapshot> {
  const opts = (what: string) => ({ venue: 'hyperliquid', timeoutMs: client.timeoutMs, signal: ctx.signal, what })
  const [state, meta] = (await Promise.all([
    postJson(client.infoUrl, { type: 'clearinghouseState', user: config.user }, opts('reading the clearinghouse state')),
    postJson(client.infoUrl, { type: 'meta' }, opts('reading the asset metadata')),
  ])) as [ClearinghouseState, Meta]
  try {
    if (!state || !Array.isArray(state.assetPositions) || !state.marginSummary) throw new InvalidInput('clearinghouseState', 'has no assetPositions or marginSummary')
    if (!meta || !Array.isArray(meta.universe)) throw new InvalidInput('meta', 'has no universe')
    const maxLeverage = new Map(meta.universe.map((u) => [u.name, u.maxLeverage]))
    const positions: Position[] = []
    const inputs: HyperliquidPositionInput[] = []
    let unrealized = new Decimal(0)
    state.assetPositions.forEach(({ position: p }, i) => {
      const at = `assetPositions[${i}]`
      const szi = parseDecimal(p.szi, `${at}.szi`)
      if (szi.isZero()) return
      const value = parseDecimal(p.positionValue, `${at}.positionValue`)
      const mark = value.div(szi.abs())
      const max = maxLeverage.get(p.coin)
      const flags = max === undefined ? ['unknown-asset'] : []
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
        marginMode: p.leverage.type === 'isolated' ? 'isolated' : 'cross',
        venueInitialMargin: parseDecimal(p.marginUsed, `${at}.marginUsed`).toFixed(),
        venueMaintenanceMargin: null,
        flags,
        raw: p,
      })
      // An asset missing from meta has no known maximum leverage: its own leverage stands in (flagged above).
      inputs.push({ coin: p.coin, szi, markPx: mark, leverage: new Decimal(p.leverage.value), maxLeverage: new Decimal(max ?? p.leverage.value), isolated: p.leverage.type === 'isolated' })
    })
    const summary = state.crossMarginSummary ?? state.marginSummary
    const accountValue = parseDecimal(summary.accountValue, 'marginSummary.accountValue')
    const replicated = calculateHyperliquidAccount({ rawUsd: parseDecimal(summary.totalRawUsd, 'marginSummary.totalRawUsd'), positions: inputs })
    // Collateral: account value less unrealised P&L is the USDC the account holds.
    const usdc = accountValue.minus(unrealized)
    const balances: Balance[] = [
      { asset: 'USDC', canonicalAsset: 'USD', kind: usdc.isNegative() ? 'debt' : 'wallet', amount: usdc.abs().toFixed(), valueUsd: usdc.abs().toFixed(), priceUsd: '1', usableAsCollateral: true, flags: [], raw: summary },
    ]
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
        details: replicated.positions.map((p) => ({ coin: p.coin, positionValue: p.positionValue.toFixed(), initialMargin: p.initialMargin.toFixed(), maintenanceMargin: p.maintenanceMargin.toFixed(), liquidationPrice: p.liquidationPrice?.toDecimalPlaces(6).toFixed() ?? null })),
      },
      raw: { clearinghouseState: state, meta },
    }
  } catch (error) {
    if (error instanceof InvalidInput) throw new VenueRejected(`hyperliquid sent an unusable answer: ${error.message}`)
    throw error
  }
}

export const hyperliquidConnector: VenueConnector<HyperliquidConfig, HyperliquidClient> = {
  descriptor: hyperliquidDescriptor,
  createClient,
  fetchAccount,
}
