// Hand-built VenueSnapshots for API and indexer plumbing tests (not for margin numbers: those come from venues).
import { marginFigures, type Balance, type Position, type VenueMarginFigures, type VenueSnapshot } from '../../core/domain.js'

export function figures(currency: string, values: Partial<VenueMarginFigures> = {}): VenueMarginFigures {
  return marginFigures(currency, values)
}

export function lendingSnapshot(asOf: Date, wethAmount: string, usdcDebt: string, ethPrice = '2000'): VenueSnapshot {
  const balance = (asset: string, canonicalAsset: string, kind: Balance['kind'], amount: string, priceUsd: string): Balance => ({
    asset, canonicalAsset, kind, amount, priceUsd, valueUsd: (Number(amount) * Number(priceUsd)).toString(), usableAsCollateral: kind === 'collateral', flags: [], raw: {},
  })
  return {
    asOf,
    blockNumber: 123n,
    positions: [],
    balances: [balance('WETH', 'ETH', 'collateral', wethAmount, ethPrice), balance('USDC', 'USD', 'debt', usdcDebt, '1')],
    margin: {
      reported: figures('USD', { healthFactor: '3.3', totalCollateral: '4000', totalDebt: usdcDebt }),
      replicated: figures('USD', { healthFactor: '3.3', totalCollateral: '4000', totalDebt: usdcDebt }),
      details: null,
    },
    raw: { source: 'test' },
  }
}

export function perpSnapshot(asOf: Date, ethSize: string, ethMark = '2000'): VenueSnapshot {
  const position: Position = {
    instrument: {
      venueSymbol: 'ETHUSDT', kind: 'perpetual', underlying: 'ETH', quote: 'USDT', settlement: 'USDT', inverse: false,
      contractSize: '1', expiry: null, strike: null, optionType: null,
    },
    size: ethSize, entryPrice: ethMark, markPrice: ethMark, liquidationPrice: null, notional: (Number(ethSize) * Number(ethMark)).toString(),
    unrealizedPnl: '0', leverage: '10', marginMode: 'cross', venueInitialMargin: null, venueMaintenanceMargin: null, flags: [], raw: {},
  }
  return {
    asOf,
    blockNumber: null,
    positions: [position],
    balances: [{ asset: 'USDT', canonicalAsset: 'USD', kind: 'wallet', amount: '10000', valueUsd: '10000', priceUsd: '1', usableAsCollateral: true, flags: [], raw: {} }],
    margin: {
      reported: figures('USDT', { maintenanceMargin: '15', marginRatio: '0.0015', equity: '10000' }),
      replicated: figures('USDT', { maintenanceMargin: '15', marginRatio: '0.0015', equity: '10000' }),
      details: [],
    },
    raw: { source: 'test' },
  }
}
