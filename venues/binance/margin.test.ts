// Binance USDⓈ-M margin rule, checked against the figures Binance publishes and against hand computations of its
// documented formulas.
import { describe, expect, test } from '@jest/globals'
import { Decimal } from '../../core/decimal.js'
import { bracketFor, calculateBinanceAccount, crossLiquidationPrice, maintenanceMargin, type BinancePositionInput, type LeverageBracket } from './margin.js'

// Source for the bracket figures below: Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
// https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-b3c689c1f50a44cabb3a84e663b81d93
// "if the position size of a USDT-margined BTCUSDT contract is 264,000 USDT, then the maintenance margin rate would
// be 1%"; "if the position size ... is 500,000 USDT, then the maintenance amount would be 1,300 USDT";
// "Maintenance Amount on Level 3 = 250,000 × (1% − 0.5%) + 50 USDT = 1,300 USDT". Level 1's rate follows from level
// 2's amount by the same formula: 50 = 50,000 × (0.5% − r₁) + 0 → r₁ = 0.4 %.
const bracket = (n: number, floor: number, cap: number, rate: string, cum: number, initialLeverage: number): LeverageBracket => ({
  bracket: n,
  initialLeverage,
  notionalFloor: new Decimal(floor),
  notionalCap: new Decimal(cap),
  maintMarginRatio: new Decimal(rate),
  cum: new Decimal(cum),
})
const faqBtc: LeverageBracket[] = [bracket(1, 0, 50_000, '0.004', 0, 125), bracket(2, 50_000, 250_000, '0.005', 50, 100), bracket(3, 250_000, 1_000_000, '0.01', 1_300, 50)]

const position = (over: Partial<BinancePositionInput>): BinancePositionInput => ({
  symbol: 'BTCUSDT',
  positionAmt: new Decimal(1),
  entryPrice: new Decimal(60_000),
  markPrice: new Decimal(60_000),
  leverage: new Decimal(10),
  isolated: false,
  ...over,
})

describe('leverage brackets', () => {
  test('a 264,000 USDT BTCUSDT position is in the 1 % bracket (Binance FAQ example)', () => {
    expect(bracketFor(faqBtc, new Decimal(264_000)).maintMarginRatio.toFixed()).toBe('0.01')
  })

  test('a 500,000 USDT BTCUSDT position carries a 1,300 USDT maintenance amount (Binance FAQ example)', () => {
    expect(bracketFor(faqBtc, new Decimal(500_000)).cum.toFixed()).toBe('1300')
  })

  test('the bracket is chosen by |notional|, so a short sits where the same long does', () => {
    expect(bracketFor(faqBtc, new Decimal(-264_000)).bracket).toBe(3)
  })

  test('a notional above the last cap stays in the last bracket', () => {
    expect(bracketFor(faqBtc, new Decimal(5_000_000)).bracket).toBe(3)
  })
})

describe('maintenance margin = |notional| × rate − maintenance amount', () => {
  test('500,000 USDT of BTCUSDT: 500,000 × 1 % − 1,300 = 3,700', () => {
    // Formula and bracket figures: the Binance FAQ cited above.
    expect(maintenanceMargin(faqBtc, new Decimal(500_000)).margin.toFixed()).toBe('3700')
  })

  test('a short of the same size needs the same maintenance margin', () => {
    expect(maintenanceMargin(faqBtc, new Decimal(-500_000)).margin.toFixed()).toBe('3700')
  })

  test('the maintenance amount makes the margin continuous across a bracket boundary', () => {
    // At 250,000: level 2 gives 250,000 × 0.5 % − 50 = 1,200 and level 3 gives 250,000 × 1 % − 1,300 = 1,200.
    expect(maintenanceMargin(faqBtc, new Decimal(250_000)).margin.toFixed()).toBe('1200')
    // One USDT more is in level 3: 250,001 × 1 % − 1,300 = 1,200.01.
    expect(maintenanceMargin(faqBtc, new Decimal(250_001)).margin.toFixed()).toBe('1200.01')
  })

  test('Binance Position Information V3 docs example: ADAUSDT 12.314277 at tier 1 (0.65 %) is 0.0800428', () => {
    // https://developers.binance.com/docs/derivatives/usds-margined-futures/trade/rest-api/Position-Information-V3
    // reports maintMargin 0.08004280 and initialMargin 0.61571385 (= notional / 20) for notional 12.31427700.
    const ada = [bracket(1, 0, 5_000, '0.0065', 0, 20)]
    expect(maintenanceMargin(ada, new Decimal('12.314277')).margin.toFixed()).toBe('0.0800428005')
    const account = calculateBinanceAccount({
      crossWalletBalance: new Decimal(100),
      brackets: { ADAUSDT: ada },
      positions: [position({ symbol: 'ADAUSDT', positionAmt: new Decimal(30), entryPrice: new Decimal('0.385'), markPrice: new Decimal('0.4104759'), leverage: new Decimal(20) })],
    })
    expect(account.positions[0]!.initialMargin!.toDecimalPlaces(8, Decimal.ROUND_DOWN).toFixed(8)).toBe('0.61571385')
    // Unrealised P&L as the same payload reports it: unRealizedProfit 0.76427700 = 30 × (0.4104759 − 0.385).
    expect(account.unrealizedPnl.toFixed()).toBe('0.764277')
  })
})

describe('account totals', () => {
  test('margin ratio is total maintenance margin over margin balance (wallet + unrealised P&L)', () => {
    const account = calculateBinanceAccount({
      crossWalletBalance: new Decimal(10_000),
      brackets: { BTCUSDT: faqBtc },
      positions: [position({ positionAmt: new Decimal(4), entryPrice: new Decimal(60_000), markPrice: new Decimal(65_000) })],
    })
    // By hand: notional 260,000 → level 3: MM = 2,600 − 1,300 = 1,300; uPnL = 4 × 5,000 = 20,000;
    // margin balance = 10,000 + 20,000 = 30,000; ratio = 1,300 / 30,000; IM = 260,000 / 10 = 26,000.
    expect(account.maintenanceMargin!.toFixed()).toBe('1300')
    expect(account.marginBalance.toFixed()).toBe('30000')
    expect(account.marginRatio!.toFixed(12)).toBe(new Decimal(1_300).div(30_000).toFixed(12))
    expect(account.initialMargin!.toFixed()).toBe('26000')
    expect(account.available!.toFixed()).toBe('4000')
  })

  test('an account with no margin balance left has no ratio rather than a division by zero', () => {
    const account = calculateBinanceAccount({
      crossWalletBalance: new Decimal(6_000),
      brackets: { BTCUSDT: faqBtc },
      positions: [position({ markPrice: new Decimal(54_000) })],
    })
    expect(account.marginBalance.toFixed()).toBe('0')
    expect(account.marginRatio).toBeNull()
  })
})

describe('what cannot be computed stays null', () => {
  const btc = position({ positionAmt: new Decimal(4), markPrice: new Decimal(65_000) })
  const unknown = position({ symbol: 'NEWUSDT', positionAmt: new Decimal(10), entryPrice: new Decimal(9), markPrice: new Decimal(10) })

  test('a position without a bracket table leaves the account maintenance margin and ratio null, not understated', () => {
    const account = calculateBinanceAccount({ crossWalletBalance: new Decimal(10_000), brackets: { BTCUSDT: faqBtc }, positions: [btc, unknown] })
    expect(account.positions.map((p) => p.maintenanceMargin?.toFixed() ?? null)).toEqual(['1300', null])
    expect(account.maintenanceMargin).toBeNull()
    expect(account.marginRatio).toBeNull()
    // Its P&L still counts: 10,000 + 4 × 5,000 + 10 × 1.
    expect(account.marginBalance.toFixed()).toBe('30010')
    // TMM₁ of the BTC position is unknown, so is its liquidation price.
    expect(account.positions[0]!.liquidationPrice).toBeNull()
  })

  test('a position without a known leverage keeps its maintenance margin; initial margin and available are null', () => {
    const account = calculateBinanceAccount({ crossWalletBalance: new Decimal(10_000), brackets: { BTCUSDT: faqBtc }, positions: [{ ...btc, leverage: null }] })
    expect(account.maintenanceMargin!.toFixed()).toBe('1300')
    expect(account.initialMargin).toBeNull()
    expect(account.available).toBeNull()
  })
})

describe('one-way cross liquidation price', () => {
  // LP = (WB − TMM₁ + UPNL₁ + cumB − Side·Q·EP) / (Q·MMR_B − Side·Q), Binance FAQ cited above.
  test('a single long: (6,000 + 50 − 60,000) / (0.005 − 1) = 54,221.105527638…', () => {
    const lp = crossLiquidationPrice(position({}), faqBtc, new Decimal(6_000), new Decimal(0), new Decimal(0))!
    expect(lp.toFixed(6)).toBe('54221.105528')
  })

  test('the bracket in force at the liquidation price is used, not the one at the mark (Binance FAQ note)', () => {
    // Mark 52,000 sits in level 2, but the price found with level 2 (42,162.81) is in level 1; recomputed with
    // level 1: (10,000 + 0 − 52,000) / (0.004 − 1) = 42,000 / 0.996 = 42,168.674698795…
    const lp = crossLiquidationPrice(position({ entryPrice: new Decimal(52_000), markPrice: new Decimal(52_000) }), faqBtc, new Decimal(10_000), new Decimal(0), new Decimal(0))!
    expect(lp.toFixed(6)).toBe('42168.674699')
  })

  test('a short: (WB − TMM₁ + UPNL₁ + cum + Q·EP) / (Q·MMR + Q)', () => {
    // Short 1 BTC at 60,000 with 6,000 wallet: (6,000 + 50 + 60,000) / (0.005 + 1) = 65,721.393034826…
    const lp = crossLiquidationPrice(position({ positionAmt: new Decimal(-1) }), faqBtc, new Decimal(6_000), new Decimal(0), new Decimal(0))!
    expect(lp.toFixed(6)).toBe('65721.393035')
  })

  test('other positions move it through their maintenance margin and unrealised P&L', () => {
    // As the first case, with another contract holding MM 500 and uPnL −1,000: (6,000 − 500 − 1,000 + 50 − 60,000) / −0.995.
    const lp = crossLiquidationPrice(position({}), faqBtc, new Decimal(6_000), new Decimal(500), new Decimal(-1_000))!
    expect(lp.toFixed(6)).toBe(new Decimal(-55_450).div('-0.995').toFixed(6))
  })

  test('hedge mode: the LONG and SHORT legs of one symbol share one liquidation price', () => {
    // Binance's hedge-mode terms: LONG 2 BTC at 60,000 and SHORT 1 BTC at 62,000, wallet 5,000, both legs in level 2
    // at the price found: (5,000 + 50 + 50 − 2·60,000 + 1·62,000) / (2·0.005 + 1·0.005 − 2 + 1) = 52,900 / 0.985.
    // By definition there: margin balance P − 53,000 equals MM 0.015·P − 100.
    const long = position({ positionAmt: new Decimal(2) })
    const short = position({ positionAmt: new Decimal(-1), entryPrice: new Decimal(62_000) })
    const account = calculateBinanceAccount({ crossWalletBalance: new Decimal(5_000), brackets: { BTCUSDT: faqBtc }, positions: [long, short] })
    const expected = new Decimal(52_900).div('0.985').toFixed(6)
    expect(account.positions.map((p) => p.liquidationPrice!.toFixed(6))).toEqual([expected, expected])
  })

  test('a long the wallet fully covers has no liquidation price (Binance shows "--" when it is below 0)', () => {
    expect(crossLiquidationPrice(position({}), faqBtc, new Decimal(100_000), new Decimal(0), new Decimal(0))).toBeNull()
  })

  test('an isolated position uses its isolated wallet and ignores the rest of the account', () => {
    // Binance FAQ note: "In Isolated margin mode, WB is isolatedWalletBalance of the isolated position, TMM=0, UPNL=0".
    const isolated = position({ isolated: true, isolatedWallet: new Decimal(6_000) })
    const other = position({ symbol: 'OTHER', positionAmt: new Decimal(-1), entryPrice: new Decimal(50_000), markPrice: new Decimal(60_000) })
    const account = calculateBinanceAccount({ crossWalletBalance: new Decimal(1_000_000), brackets: { BTCUSDT: faqBtc, OTHER: faqBtc }, positions: [isolated, other] })
    expect(account.positions[0]!.liquidationPrice!.toFixed(6)).toBe('54221.105528')
    // Its wallet still counts in the account's margin balance: 1,000,000 + 6,000 + (0 − 10,000).
    expect(account.marginBalance.toFixed()).toBe('996000')
  })

  test('at the liquidation price the account margin balance equals its maintenance margin', () => {
    const btc = position({ positionAmt: new Decimal('1.2'), entryPrice: new Decimal(60_000), markPrice: new Decimal(62_000) })
    const eth = position({ symbol: 'ETHUSDT', positionAmt: new Decimal('-1.5'), entryPrice: new Decimal(3_100), markPrice: new Decimal(3_000) })
    const brackets = { BTCUSDT: faqBtc, ETHUSDT: [bracket(1, 0, 10_000, '0.005', 0, 125), bracket(2, 10_000, 100_000, '0.0065', 15, 100)] }
    const wallet = new Decimal(20_000)
    const lp = calculateBinanceAccount({ crossWalletBalance: wallet, brackets, positions: [btc, eth] }).positions[0]!.liquidationPrice!
    const at = calculateBinanceAccount({ crossWalletBalance: wallet, brackets, positions: [{ ...btc, markPrice: lp }, eth] })
    expect(at.marginBalance.minus(at.maintenanceMargin!).abs().toNumber()).toBeLessThan(1e-9)
  })
})
