// The normalised domain model every connector produces and the indexer stores (ccxt-style unified records).
// Amounts are decimal text as the connector wrote it (read back from storage as DecimalString); `null` means the venue
// does not report it, never a made-up zero.
import type { DecimalText } from './decimal.js'

export type VenueKind = 'defi-lending' | 'defi-perp' | 'cex'
export type InstrumentKind = 'spot' | 'perpetual' | 'future' | 'option' | 'lending'
export type MarginMode = 'cross' | 'isolated' | 'portfolio'
export type OptionType = 'call' | 'put'

/** What an instrument is, as the risk engine needs it; symbols stay the venue's own. */
export interface InstrumentRef {
  /** The venue's own symbol: `BTCUSDT`, `BTC-PERPETUAL`, or a token address for lending reserves. */
  venueSymbol: string
  kind: InstrumentKind
  /** Canonical asset the instrument's price follows (`BTC`, `ETH`), after mapping WETH → ETH and the like. */
  underlying: string
  quote: string
  /** Asset P&L and margin are paid in. */
  settlement: string
  /** Linear contracts pay P&L in the quote; inverse (coin-settled) in the underlying. */
  inverse: boolean
  /** Units of the underlying per contract for linear contracts, quote value per contract for inverse ones. */
  contractSize: DecimalText | null
  expiry: Date | null
  strike: DecimalText | null
  optionType: OptionType | null
}

export interface Position {
  instrument: InstrumentRef
  /** Signed size in units of the underlying (negative = short), whatever the venue's contract size. */
  size: DecimalText
  entryPrice: DecimalText | null
  markPrice: DecimalText | null
  liquidationPrice: DecimalText | null
  /** Notional at mark in the settlement or quote currency, as the venue reports it. */
  notional: DecimalText | null
  unrealizedPnl: DecimalText | null
  leverage: DecimalText | null
  marginMode: MarginMode | null
  /** Margin the venue itself assigns to this position. */
  venueInitialMargin: DecimalText | null
  venueMaintenanceMargin: DecimalText | null
  /** Set when the venue names something we could not map (unknown symbol or asset): kept, flagged, not dropped. */
  flags: string[]
  raw: unknown
}

/** Assets and liabilities are separate records; netting happens only in the risk engine. */
export type BalanceKind = 'collateral' | 'debt' | 'wallet'

export interface Balance {
  /** The venue's own asset name or token symbol (`WETH`, `USDT`). */
  asset: string
  /** Canonical risk factor asset (`ETH` for WETH). */
  canonicalAsset: string
  kind: BalanceKind
  /** Always non-negative; `kind` says whether it is owned or owed. */
  amount: DecimalText
  /** Value in USD at the venue's own price, when it gives one. */
  valueUsd: DecimalText | null
  /** The venue's price of one unit in USD at `asOf`, when it gives one. */
  priceUsd: DecimalText | null
  usableAsCollateral: boolean | null
  flags: string[]
  raw: unknown
}

/** The venue's own account-level margin figures in its own currency; plus our replication of them. */
export interface VenueMarginFigures {
  /** Currency the figures are expressed in (`USD` for Aave's base currency, `USDT` for Binance USDⓈ-M). */
  currency: string
  equity: DecimalText | null
  totalCollateral: DecimalText | null
  totalDebt: DecimalText | null
  initialMargin: DecimalText | null
  maintenanceMargin: DecimalText | null
  /** Maintenance margin / margin balance (Binance, OKX style): liquidation at 1. */
  marginRatio: DecimalText | null
  /** Aave style: liquidation below 1. */
  healthFactor: DecimalText | null
  /** Weighted liquidation threshold (Aave) as a fraction. */
  liquidationThreshold: DecimalText | null
  ltv: DecimalText | null
  availableBorrows: DecimalText | null
  withdrawable: DecimalText | null
}

export interface VenueMarginReport {
  /** What the venue itself reports (null fields where it reports nothing). */
  reported: VenueMarginFigures
  /** Our replication of the venue's rule from the positions and balances (venues/<venue>/margin.ts). */
  replicated: VenueMarginFigures
  /** Per-position detail of the replication (e.g. Binance bracket used), for display. */
  details: unknown
}

/** A venue's mark implied volatility for one option strike and expiry, at one time (stored as ImpliedVol rows). */
export interface ImpliedVolPoint {
  /** Canonical factor (`BTC`). */
  underlying: string
  expiry: Date
  strike: string
  /** Annualised, as a fraction (0.55, not 55 %). */
  iv: string
  time: Date
  /** Who said so (`deribit`). */
  source: string
  /**
   * The expiry's forward over the index at the same moment (Deribit: the option's `underlying_price`, the future or
   * synthetic it is priced on, over `estimated_delivery_price`); null when the venue gives none. Options are valued
   * on index × this ratio, so the carry to expiry is kept as scenarios move the index.
   */
  forwardRatio?: string | null
}

/** Everything one fetch of one account produced. */
export interface VenueSnapshot {
  /** When the data is true: the venue's own timestamp or block time when it gives one. */
  asOf: Date
  blockNumber: bigint | null
  positions: Position[]
  balances: Balance[]
  margin: VenueMarginReport
  /** Market data the venue gave along (an option chain's marks), stored beside the account's snapshot. */
  impliedVols?: ImpliedVolPoint[]
  raw: unknown
}

/**
 * Every figure of VenueMarginFigures but its currency, in the order they are checked, stored and compared: the one
 * list the snapshot gate, the writer and the margin comparison walk. A figure missing here fails marginFigures' type.
 */
export const MARGIN_FIELDS = [
  'equity', 'totalCollateral', 'totalDebt', 'initialMargin', 'maintenanceMargin', 'marginRatio',
  'healthFactor', 'liquidationThreshold', 'ltv', 'availableBorrows', 'withdrawable',
] as const satisfies readonly (keyof VenueMarginFigures)[]

export type MarginField = (typeof MARGIN_FIELDS)[number]

/** Margin figures with every field the venue does not report left null (never a made-up zero). */
export function marginFigures(currency: string, values: Partial<Omit<VenueMarginFigures, 'currency'>>): VenueMarginFigures {
  const none = Object.fromEntries(MARGIN_FIELDS.map((field) => [field, null])) as Record<MarginField, null>
  return { currency, ...none, ...values }
}
