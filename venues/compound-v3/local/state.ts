// The market state the local Comet JSON-RPC node (rpc-server.ts) answers from, and the accounts the tests use.
//
// The market is Ethereum's cUSDCv3 as configured by compound-finance/comet at commit d5a30b0a:
//   - addresses of Comet, USDC, the five original collateral assets and their price feeds, and the interest rate
//     model: deployments/mainnet/usdc/configuration.json and roots.json;
//   - collateral factors (borrowCF, liquidateCF, liquidationFactor): configuration.json
//     (COMP 0.65/0.70/0.93, WBTC 0.70/0.77/0.95, WETH 0.825/0.895/0.95, UNI 0.75/0.81/0.93, LINK 0.79/0.85/0.93);
//   - supply caps: migrations 1659582050_raise_supply_caps_and_seed_reserves (UNI, LINK 1,250,000),
//     1663794398_bump_supply_caps (COMP 600,000, WBTC 6,000) and 1669668117_raise_weth_supply_cap (WETH 150,000).
// Later governance changes (new collateral, revised factors) are not modelled: this is a fixed, documented market.
// Prices, indices, totals and the accounts' balances are chosen here (Chainlink-style answers with 8 decimals) and
// are not a recording of the chain.
import { getAddress } from 'ethers'

export interface LocalCometAsset {
  symbol: string
  asset: string
  priceFeed: string
  decimals: number
  /** As configuration.json writes them: fractions. */
  borrowCF: string
  liquidateCF: string
  liquidationFactor: string
  /** Whole units of the asset. */
  supplyCap: bigint
}

export interface LocalCometAccount {
  /** userBasic.principal: the signed base balance in units at the market's indices (negative = borrowing). */
  principal: bigint
  /** userCollateral balances by asset address, in the asset's smallest units; assetsIn follows them (updateAssetsIn). */
  collateral: Record<string, bigint>
}

export interface LocalCometState {
  chainId: number
  blockNumber: number
  comet: string
  base: { asset: string; symbol: string; decimals: number; priceFeed: string }
  /** In the market's order: asset i answers getAssetInfo(i). */
  assets: LocalCometAsset[]
  /** latestRoundData answers of each feed (8 decimals), what getPrice returns. */
  prices: Record<string, bigint>
  /** configuration.json "rates": per-year fractions, divided per second by Comet's constructor. */
  rates: { supplyKink: string; supplySlopeLow: string; supplySlopeHigh: string; supplyBase: string; borrowKink: string; borrowSlopeLow: string; borrowSlopeHigh: string; borrowBase: string }
  /** TotalsBasic as of the last accrual: indices × 1e15, totals in principal units. */
  totals: { baseSupplyIndex: bigint; baseBorrowIndex: bigint; trackingSupplyIndex: bigint; trackingBorrowIndex: bigint; totalSupplyBase: bigint; totalBorrowBase: bigint; pauseFlags: number }
  /** Seconds from the market's last accrual to the block the node serves: balanceOf and borrowBalanceOf accrue over them. */
  secondsSinceAccrual: bigint
  accounts: Record<string, LocalCometAccount>
}

/** "12.5" with 6 decimals → 12_500_000n; written out so the amounts below read as the units they are. */
export function units(text: string, decimals: number): bigint {
  const negative = text.startsWith('-')
  const [whole, fraction = ''] = text.replace('-', '').split('.')
  if (fraction.length > decimals) throw new RangeError(`${text} has more than ${decimals} decimals`)
  const value = BigInt(whole! + fraction.padEnd(decimals, '0'))
  return negative ? -value : value
}

export const COMET = getAddress('0xc3d688B66703497DAA19211EEdff47f25384cdc3')
export const TOKENS = {
  USDC: getAddress('0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48'),
  COMP: getAddress('0xc00e94cb662c3520282e6f5717214004a7f26888'),
  WBTC: getAddress('0x2260fac5e5542a773aa44fbcfedf7c193bc2c599'),
  WETH: getAddress('0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2'),
  UNI: getAddress('0x1f9840a85d5af5bf1d1762f925bdaddc4201f984'),
  LINK: getAddress('0x514910771af9ca656af840dff83e8264ecf986ca'),
}
export const FEEDS = {
  USDC: getAddress('0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6'),
  COMP: getAddress('0xdbd020CAeF83eFd542f4De03e3cF0C28A4428bd5'),
  WBTC: getAddress('0xF4030086522a5bEEa4988F8cA5B36dbC97BeE88c'),
  WETH: getAddress('0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419'),
  UNI: getAddress('0x553303d460EE0afB37EdFf9bE42922D8FF63220e'),
  LINK: getAddress('0x2c1d072e956AFFC0D435Cb7AC38EF18d24d9127c'),
}

/** 1.5 WETH and 0.04 WBTC, 3,000 USDC of principal borrowed: comfortably collateralised. */
export const BORROWER = '0xa11ce00000000000000000000000000000000c01'
/**
 * 1 WETH against a principal of −1,432 USDC, i.e. a debt of exactly 1,790 USDC at the stored borrow index 1.25. At
 * USDC 1.00 the account stays out of liquidation while 0.895 × WETH ≥ 1,790, i.e. WETH ≥ 2,000.00000000, and may
 * borrow while 0.825 × WETH ≥ 1,790, i.e. WETH ≥ 2,169.69696970 (1,790 / 0.825 = 2,169.696969…, rounded up to the
 * feed's 8 decimals). The tests move the WETH feed to those prices and one tick below.
 */
export const EDGE = '0xa11ce00000000000000000000000000000000c02'
/** 0.5 WETH and 20 COMP against 2,000 USDC of principal: below both factors at the state's prices. */
export const UNDERWATER = '0xa11ce00000000000000000000000000000000c03'
/** 5,000 USDC of principal supplied and 10 UNI held: no debt. */
export const SUPPLIER = '0xa11ce00000000000000000000000000000000c04'

// FEEDS and TOKENS have the same keys.
const asset = (symbol: keyof typeof FEEDS, decimals: number, borrowCF: string, liquidateCF: string, liquidationFactor: string, supplyCap: bigint): LocalCometAsset => ({
  symbol, asset: TOKENS[symbol], priceFeed: FEEDS[symbol], decimals, borrowCF, liquidateCF, liquidationFactor, supplyCap,
})

/** The price feed of a symbol of the market. */
function feedOf(symbol: string): string {
  const feed = new Map<string, string>(Object.entries(FEEDS)).get(symbol)
  if (!feed) throw new Error(`no price feed for ${symbol} in the local market`)
  return feed
}

/** Prices (8 decimals) every test starts from; the WETH feed is moved by the boundary tests. */
export const PRICES = {
  USDC: units('1', 8),
  COMP: units('45.67', 8),
  WBTC: units('97210.55', 8),
  WETH: units('3150.42', 8),
  UNI: units('9.81', 8),
  LINK: units('17.35', 8),
}

export function testState(): LocalCometState {
  return {
    chainId: 1,
    blockNumber: 22_500_000,
    comet: COMET,
    base: { asset: TOKENS.USDC, symbol: 'USDC', decimals: 6, priceFeed: FEEDS.USDC },
    assets: [
      asset('COMP', 18, '0.65', '0.70', '0.93', 600_000n),
      asset('WBTC', 8, '0.70', '0.77', '0.95', 6_000n),
      asset('WETH', 18, '0.825', '0.895', '0.95', 150_000n),
      asset('UNI', 18, '0.75', '0.81', '0.93', 1_250_000n),
      asset('LINK', 18, '0.79', '0.85', '0.93', 1_250_000n),
    ],
    prices: Object.fromEntries(Object.entries(PRICES).map(([symbol, price]) => [feedOf(symbol), price])),
    rates: { supplyKink: '0.8', supplySlopeLow: '0.0325', supplySlopeHigh: '0.4', supplyBase: '0', borrowKink: '0.8', borrowSlopeLow: '0.035', borrowSlopeHigh: '0.25', borrowBase: '0.015' },
    totals: {
      baseSupplyIndex: units('1.08', 15),
      baseBorrowIndex: units('1.25', 15),
      trackingSupplyIndex: 0n,
      trackingBorrowIndex: 0n,
      // 500 M USDC supplied and 360 M borrowed at those indices: utilization 450 / 540 = 83.3 %, above the kink.
      totalSupplyBase: units('500000000', 6),
      totalBorrowBase: units('360000000', 6),
      pauseFlags: 0,
    },
    secondsSinceAccrual: 3_600n,
    accounts: {
      [BORROWER]: { principal: units('-3000', 6), collateral: { [TOKENS.WETH]: units('1.5', 18), [TOKENS.WBTC]: units('0.04', 8) } },
      [EDGE]: { principal: units('-1432', 6), collateral: { [TOKENS.WETH]: units('1', 18) } },
      [UNDERWATER]: { principal: units('-2000', 6), collateral: { [TOKENS.WETH]: units('0.5', 18), [TOKENS.COMP]: units('20', 18) } },
      [SUPPLIER]: { principal: units('5000', 6), collateral: { [TOKENS.UNI]: units('10', 18) } },
    },
  }
}
