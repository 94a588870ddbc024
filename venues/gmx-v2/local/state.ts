// The chain state the local GMX v2 JSON-RPC server (rpc-server.ts) answers from, and the accounts the tests use.
//
// Units are GMX's own: USD amounts with 30 decimals, token amounts in the token's smallest unit, factors with 30
// decimals (1e28 = 1 %). Market and token addresses are GMX's Arbitrum ones, as listed in the recorded API answers
// (../shared/data/venue-responses/gmx-v2/, see SOURCES.md there); prices come from those recorded tickers, passed in
// by the connector. What the real Reader would derive from market state it is not shown here (the closing price
// impact, the accrued borrowing and funding fees, claimable funding) is given per position as the Reader's answer.

export interface LocalMarket {
  marketToken: string
  indexToken: string
  longToken: string
  shortToken: string
}

export interface LocalPosition {
  account: string
  market: string
  collateralToken: string
  isLong: boolean
  /** Position.Props numbers. */
  sizeInUsd: bigint
  sizeInTokens: bigint
  collateralAmount: bigint
  pendingImpactAmount: bigint
  increasedAtTime: bigint
  /** What the Reader reports for closing the whole position now (USD, 30 decimals; negative = the trader pays). */
  closingPriceImpactUsd: bigint
  /** Closing position fee (size × position fee factor), USD. */
  positionFeeUsd: bigint
  /** Pending borrowing fee, USD. */
  borrowingFeeUsd: bigint
  /** Pending funding fee, in the collateral token. */
  fundingFeeAmount: bigint
  /** Funding earned and claimable, in the market's long and short tokens. */
  claimableLongTokenAmount: bigint
  claimableShortTokenAmount: bigint
}

export interface LocalMarketParams {
  minCollateralFactor: bigint
  minCollateralFactorForLiquidation: bigint
  maxPositionImpactFactorForLiquidations: bigint
}

export interface LocalGmxState {
  chainId: number
  blockNumber: number
  reader: string
  dataStore: string
  referralStorage: string
  /** Markets the chain knows (Reader.getMarket). */
  markets: LocalMarket[]
  positions: LocalPosition[]
  /** DataStore values: the global MIN_COLLATERAL_USD and per-market factors. */
  minCollateralUsd: bigint
  marketParams: Record<string, LocalMarketParams>
}

const usd = (dollars: string) => decimalUnits(dollars, 30)
const factor = (fraction: string) => decimalUnits(fraction, 30)

/** "12.5" with 30 decimals → 12500…0n; written out so the numbers below read as the dollars they are. */
export function decimalUnits(text: string, decimals: number): bigint {
  const negative = text.startsWith('-')
  const [whole, fraction = ''] = text.replace('-', '').split('.')
  const value = BigInt(whole! + fraction.padEnd(decimals, '0').slice(0, decimals))
  return negative ? -value : value
}

// Arbitrum tokens and markets (recorded API answers).
export const TOKENS = {
  WETH: '0x82aF49447D8a07e3bd95BD0d56f35241523fBab1',
  BTC: '0x47904963fc8b2340414262125aF798B9655E58Cd',
  WBTC_B: '0x2f2a2543B76A4166549F7aaB2e75Bef0aefC5B0f',
  USDC: '0xaf88d065e77c8cC2239327C5EDb3A432268e5831',
}
export const MARKETS = {
  /** ETH/USD [ETH-USDC]. */
  ETH_USD: { marketToken: '0x70d95587d40A2caf56bd97485aB3Eec10Bee6336', indexToken: TOKENS.WETH, longToken: TOKENS.WETH, shortToken: TOKENS.USDC },
  /** BTC/USD [WBTC.b-USDC]. */
  BTC_USD: { marketToken: '0x47c031236e19d024b42f8AE6780E44A573170703', indexToken: TOKENS.BTC, longToken: TOKENS.WBTC_B, shortToken: TOKENS.USDC },
  /** On chain but not in the API's market list; its tokens are priced by the API. */
  UNLISTED_ETH: { marketToken: '0x1111111111111111111111111111111111111111', indexToken: TOKENS.WETH, longToken: TOKENS.WETH, shortToken: TOKENS.USDC },
  /** On chain, not listed, and indexed on a token the API neither prices nor lists. */
  UNPRICED: { marketToken: '0x2222222222222222222222222222222222222222', indexToken: '0x3333333333333333333333333333333333333333', longToken: TOKENS.USDC, shortToken: TOKENS.USDC },
}
/** A market address the chain does not know at all (Reader.getMarket answers zeros). */
export const UNKNOWN_MARKET = '0x4444444444444444444444444444444444444444'

/** Trader A: three positions whose markets can all be priced (read with getAccountPositionInfoList). */
export const TRADER = '0xa11ce00000000000000000000000000000000001'
/** Trader B: one priced position, one on an unpriced market, one on a market the chain does not know. */
export const TRADER_B = '0xb0b0000000000000000000000000000000000002'

const noFees = { closingPriceImpactUsd: 0n, positionFeeUsd: 0n, borrowingFeeUsd: 0n, fundingFeeAmount: 0n, claimableLongTokenAmount: 0n, claimableShortTokenAmount: 0n }

/**
 * Trader A:
 * 1. ETH/USD long, 10,000 USD for 6.25 ETH (entry 1,600), 1 WETH collateral; 0.002 ETH of price impact pending,
 *    closing impact −4.10 USD, closing fee 6 USD (0.06 %), borrowing fee 12.50 USD, funding fee 0.0012 WETH,
 *    3.2 USDC of funding to claim.
 * 2. BTC/USD short, 30,000 USD for 0.46875 BTC (entry 64,000), 2,000 USDC collateral; closing impact −15 USD,
 *    closing fee 18 USD, borrowing fee 8.75 USD, funding fee 1.5 USDC, 0.00001 WBTC.b of funding to claim.
 * 3. ETH short on a market the API does not list, 2,000 USD for 1.25 ETH (entry 1,600), 500 USDC collateral,
 *    closing fee 1.20 USD.
 * Trader B: an ETH/USD long of 1,000 USD for 0.625 ETH with 200 USDC; a position on the unpriced market; one on a
 * market the chain does not know.
 */
export function testState(): LocalGmxState {
  return {
    chainId: 42161,
    blockNumber: 312_500_000,
    reader: '0x470fbC46bcC0f16532691Df360A07d8Bf5ee0789',
    dataStore: '0xFD70de6b91282D8017aA4E741e9Ae325CAb992d8',
    referralStorage: '0xe6fab3F0c7199b0d34d7FbE83394fc0e0D06e99d',
    markets: [MARKETS.ETH_USD, MARKETS.BTC_USD, MARKETS.UNLISTED_ETH, MARKETS.UNPRICED],
    positions: [
      {
        account: TRADER, market: MARKETS.ETH_USD.marketToken, collateralToken: TOKENS.WETH, isLong: true,
        sizeInUsd: usd('10000'), sizeInTokens: decimalUnits('6.25', 18), collateralAmount: decimalUnits('1', 18), pendingImpactAmount: decimalUnits('-0.002', 18), increasedAtTime: 1_783_000_000n,
        closingPriceImpactUsd: usd('-4.1'), positionFeeUsd: usd('6'), borrowingFeeUsd: usd('12.5'), fundingFeeAmount: decimalUnits('0.0012', 18),
        claimableLongTokenAmount: 0n, claimableShortTokenAmount: decimalUnits('3.2', 6),
      },
      {
        account: TRADER, market: MARKETS.BTC_USD.marketToken, collateralToken: TOKENS.USDC, isLong: false,
        sizeInUsd: usd('30000'), sizeInTokens: decimalUnits('0.46875', 8), collateralAmount: decimalUnits('2000', 6), pendingImpactAmount: 0n, increasedAtTime: 1_783_100_000n,
        closingPriceImpactUsd: usd('-15'), positionFeeUsd: usd('18'), borrowingFeeUsd: usd('8.75'), fundingFeeAmount: decimalUnits('1.5', 6),
        claimableLongTokenAmount: decimalUnits('0.00001', 8), claimableShortTokenAmount: 0n,
      },
      {
        account: TRADER, market: MARKETS.UNLISTED_ETH.marketToken, collateralToken: TOKENS.USDC, isLong: false,
        sizeInUsd: usd('2000'), sizeInTokens: decimalUnits('1.25', 18), collateralAmount: decimalUnits('500', 6), pendingImpactAmount: 0n, increasedAtTime: 1_783_200_000n,
        ...noFees, positionFeeUsd: usd('1.2'),
      },
      {
        account: TRADER_B, market: MARKETS.ETH_USD.marketToken, collateralToken: TOKENS.USDC, isLong: true,
        sizeInUsd: usd('1000'), sizeInTokens: decimalUnits('0.625', 18), collateralAmount: decimalUnits('200', 6), pendingImpactAmount: 0n, increasedAtTime: 1_783_000_000n,
        ...noFees, positionFeeUsd: usd('0.6'),
      },
      {
        account: TRADER_B, market: MARKETS.UNPRICED.marketToken, collateralToken: TOKENS.USDC, isLong: true,
        sizeInUsd: usd('500'), sizeInTokens: decimalUnits('42', 18), collateralAmount: decimalUnits('100', 6), pendingImpactAmount: 0n, increasedAtTime: 1_783_000_000n,
        ...noFees,
      },
      {
        account: TRADER_B, market: UNKNOWN_MARKET, collateralToken: TOKENS.USDC, isLong: false,
        sizeInUsd: usd('300'), sizeInTokens: 7_000_000n, collateralAmount: decimalUnits('50', 6), pendingImpactAmount: 0n, increasedAtTime: 1_783_000_000n,
        ...noFees,
      },
    ],
    minCollateralUsd: usd('1'),
    marketParams: {
      // 100x to open, liquidated below 0.5 % of size; negative impact counted up to 0.1 % of size.
      [MARKETS.ETH_USD.marketToken]: { minCollateralFactor: factor('0.01'), minCollateralFactorForLiquidation: factor('0.005'), maxPositionImpactFactorForLiquidations: factor('0.001') },
      [MARKETS.BTC_USD.marketToken]: { minCollateralFactor: factor('0.01'), minCollateralFactorForLiquidation: factor('0.004'), maxPositionImpactFactorForLiquidations: factor('0.002') },
      [MARKETS.UNLISTED_ETH.marketToken]: { minCollateralFactor: factor('0.02'), minCollateralFactorForLiquidation: factor('0.01'), maxPositionImpactFactorForLiquidations: 0n },
    },
  }
}
