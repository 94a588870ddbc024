// Compound v3's rule, replicated: every expected number is a closed form worked out in the comment beside it from
// Comet.sol's arithmetic (compound-finance/comet contracts/Comet.sol: presentValue, signedMulPrice, mulPrice,
// mulFactor, all rounding down), with cUSDCv3's collateral factors from deployments/mainnet/usdc/configuration.json.
import { describe, expect, test } from '@jest/globals'
import { Decimal } from '../../core/decimal.js'
import { calculateCometAccount, cometFigures, cometIsBorrowCollateralized, cometIsLiquidatable, isInAsset, presentValue, simulateCometAbsorb, type CometAccountInput, type CometCollateral } from './margin.js'

const e = (n: number) => 10n ** BigInt(n)
const price = (text: string) => BigInt(new Decimal(text).mul(1e8).toFixed(0))
const factor = (text: string) => BigInt(new Decimal(text).mul('1e18').toFixed(0))

/** liquidationFactor 0.95: cUSDCv3's WETH and WBTC (configuration.json). */
function collateral(offset: number, decimals: number, balance: bigint, p: string | null, borrowCF: string, liquidateCF: string, liquidationFactor = '0.95'): CometCollateral {
  return { offset, asset: `0x${String(offset).padStart(40, '0')}`, scale: e(decimals), borrowCollateralFactor: factor(borrowCF), liquidateCollateralFactor: factor(liquidateCF), liquidationFactor: factor(liquidationFactor), price: p === null ? null : price(p), balance }
}

/** USDC base at 1.00, borrow index 1.25: 1 WETH (WETH factors 0.825 / 0.895) against a principal of −1,432 USDC. */
function edge(wethPrice: bigint): CometAccountInput {
  return {
    principal: -1432n * e(6),
    assetsIn: 1 << 2,
    reserved: 0,
    baseScale: e(6),
    basePrice: e(8),
    baseSupplyIndex: 108n * e(13),
    baseBorrowIndex: 125n * e(13),
    collaterals: [collateral(0, 18, 0n, null, '0.65', '0.70'), { ...collateral(2, 18, e(18), null, '0.825', '0.895'), price: wethPrice }],
  }
}

describe('Compound v3 rule (Comet.isLiquidatable, isBorrowCollateralized)', () => {
  test('the debt is the principal at the stored borrow index, rounded down in size', () => {
    // −1,432 × 1.25 = −1,790 exactly; −1 × 1.5 = −1.5, whose magnitude rounds down to 1.
    expect(presentValue(-1432n * e(6), 108n * e(13), 125n * e(13))).toBe(-1790n * e(6))
    expect(presentValue(-1n, e(15), 15n * e(14))).toBe(-1n)
    // 5,000 supplied at 1.08 = 5,400.
    expect(presentValue(5000n * e(6), 108n * e(13), 125n * e(13))).toBe(5400n * e(6))
  })

  test('at WETH 2,000.00000000 the account is not liquidatable; one price tick lower it is', () => {
    // 0.895 × 2,000 = 1,790 = the debt: liquidity 0, and Comet liquidates only below 0.
    expect(cometIsLiquidatable(edge(2000n * e(8)))).toBe(false)
    // ⌊(2,000e8 − 1) × 0.895⌋ = 1,790e8 − 1: liquidity −1 (price units × 1e8).
    expect(cometIsLiquidatable(edge(2000n * e(8) - 1n))).toBe(true)
    expect(calculateCometAccount(edge(2000n * e(8) - 1n)).liquidationLiquidity).toBe(-1n)
  })

  test('borrowing is allowed down to WETH 2,169.69696970 and refused one tick lower', () => {
    // 1,790 / 0.825 = 2,169.696969…; at 216,969,696,970 × 0.825 = 179,000,000,000.25 → liquidity 0 (allowed);
    // at 216,969,696,969 × 0.825 = 178,999,999,999.43 → −1 (refused).
    expect(cometIsBorrowCollateralized(edge(216_969_696_970n))).toBe(true)
    expect(cometIsBorrowCollateralized(edge(216_969_696_969n))).toBe(false)
  })

  test('the liquidation price is the boundary: 1,790 / 0.895 = 2,000 exactly', () => {
    const result = calculateCometAccount(edge(3150_42000000n))
    expect(result.collaterals.map((c) => c.liquidationPrice)).toEqual([2000n * e(8)])
    // At that price the health factor is exactly 1; one tick below it is under 1, never rounded up to it.
    expect(cometFigures(calculateCometAccount(edge(2000n * e(8))), 'USD').healthFactor).toBe('1')
    expect(new Decimal(cometFigures(calculateCometAccount(edge(2000n * e(8) - 1n)), 'USD').healthFactor!).lt(1)).toBe(true)
  })

  test('a liquidation price that falls between ticks is rounded up to the first safe tick', () => {
    // 1.5 WETH against 3,750 of debt, 0.04 WBTC (0.77) at 97,210.55 covering 2,994.08494 of it:
    // p = (3,750 − 2,994.08494) / (1.5 × 0.895) = 563.065221601…, first safe tick 563.06522161.
    const input: CometAccountInput = {
      ...edge(0n),
      principal: -3000n * e(6),
      assetsIn: (1 << 1) | (1 << 2),
      collaterals: [collateral(1, 8, 4n * e(6), '97210.55', '0.70', '0.77'), collateral(2, 18, 15n * e(17), '3150.42', '0.825', '0.895')],
    }
    const weth = calculateCometAccount(input).collaterals.find((c) => c.offset === 2)!
    expect(weth.liquidationPrice).toBe(56_306_522_161n)
    expect(cometIsLiquidatable({ ...input, collaterals: [input.collaterals[0]!, { ...input.collaterals[1]!, price: 56_306_522_161n }] })).toBe(false)
    expect(cometIsLiquidatable({ ...input, collaterals: [input.collaterals[0]!, { ...input.collaterals[1]!, price: 56_306_522_160n }] })).toBe(true)
    // WETH alone (4,229.43885 of liquidation value) covers the debt: no WBTC price can liquidate the account.
    expect(calculateCometAccount(input).collaterals.find((c) => c.offset === 1)!.liquidationPrice).toBeNull()
  })

  test('each asset is valued (mulPrice) and then weighted (mulFactor), each product rounded down', () => {
    // 1 satoshi of WBTC at 97,210.55: mulPrice = ⌊1 × 9,721,055,000,000 / 1e8⌋ = 97,210, then ⌊97,210 × 0.77⌋ = 74,851.
    // (One division of the whole product would give ⌊74,852.12⌋ = 74,852.)
    const input: CometAccountInput = { ...edge(0n), principal: -1n, assetsIn: 1 << 1, collaterals: [collateral(1, 8, 1n, '97210.55', '0.70', '0.77')] }
    const result = calculateCometAccount(input)
    expect(result.collateralValue).toBe(97_210n)
    expect(result.liquidationCapacity).toBe(74_851n)
    expect(result.borrowCapacity).toBe(68_047n) // ⌊97,210 × 0.70⌋
  })

  test('a negative base balance is priced rounding toward zero, as Solidity divides signed integers', () => {
    // presentValue −1 base unit (1e-6 USDC) at 0.99999999: −1 × 99,999,999 / 1e6 = −99.999999 → −99 (not −100).
    const input: CometAccountInput = { ...edge(0n), principal: -1n, baseBorrowIndex: e(15), basePrice: 99_999_999n, assetsIn: 0, collaterals: [] }
    expect(calculateCometAccount(input).debtValue).toBe(99n)
  })

  test('only assets flagged in assetsIn count, with offsets 16–23 in _reserved (CometWithExtendedAssetList)', () => {
    expect(isInAsset(1 << 15, 15, 0)).toBe(true)
    expect(isInAsset(0, 17, 1 << 1)).toBe(true)
    expect(isInAsset(1 << 1, 17, 0)).toBe(false)
    // 1 WETH at offset 17 held only through _reserved bit 1 saves the account; with the bit clear it does not count.
    const base = edge(2000n * e(8))
    const atOffset17 = { ...base, assetsIn: 0, collaterals: [{ ...base.collaterals[1]!, offset: 17 }] }
    expect(cometIsLiquidatable({ ...atOffset17, reserved: 1 << 1 })).toBe(false)
    expect(cometIsLiquidatable({ ...atOffset17, reserved: 0 })).toBe(true)
  })

  test('a supplier is never liquidatable and may always borrow; its supply counts in equity, not as collateral', () => {
    const input: CometAccountInput = { ...edge(0n), principal: 5000n * e(6), assetsIn: 1 << 3, collaterals: [collateral(3, 18, 10n * e(18), '9.81', '0.75', '0.81')] }
    expect(cometIsLiquidatable(input)).toBe(false)
    expect(cometIsBorrowCollateralized(input)).toBe(true)
    const figures = cometFigures(calculateCometAccount(input), 'USD')
    // 5,000 × 1.08 = 5,400 supplied; 10 UNI × 9.81 = 98.1 of collateral, 73.575 of borrow capacity (× 0.75).
    expect(figures).toMatchObject({ equity: '5498.1', totalCollateral: '98.1', totalDebt: '0', healthFactor: null, availableBorrows: '73.575' })
  })

  test('the contract stops at the first asset that brings liquidity to 0 and never prices the rest', () => {
    // Offset 0 alone covers the debt; offset 1 has no price read, as the contract would not call its feed.
    const input: CometAccountInput = {
      ...edge(0n),
      assetsIn: (1 << 0) | (1 << 1),
      collaterals: [collateral(0, 18, e(18), '5000', '0.825', '0.895'), collateral(1, 8, e(8), null, '0.70', '0.77')],
    }
    expect(cometIsLiquidatable(input)).toBe(false)
    expect(cometIsBorrowCollateralized(input)).toBe(true)
  })

  test('figures follow the lending convention: equity − maintenance margin is the liquidation margin', () => {
    const figures = cometFigures(calculateCometAccount(edge(3150_42000000n)), 'USD')
    // Collateral 3,150.42; debt 1,790; × 0.895 = 2,819.6259, × 0.825 = 2,599.0965.
    expect(figures).toMatchObject({
      totalCollateral: '3150.42', totalDebt: '1790', equity: '1360.42',
      maintenanceMargin: '330.7941', initialMargin: '551.3235', availableBorrows: '809.0965',
      liquidationThreshold: '0.895', ltv: '0.825',
    })
    expect(new Decimal(figures.equity!).minus(figures.maintenanceMargin!).toFixed()).toBe('1029.6259') // 2,819.6259 − 1,790
    expect(figures.healthFactor).toBe(new Decimal('2819.6259').div(1790).toDecimalPlaces(18, Decimal.ROUND_DOWN).toFixed())
  })
})

describe('Compound v3 absorb (Comet.absorbInternal)', () => {
  test('one tick under water: 1 WETH seized at 1,999.99999999, 95 % credited, the account left with 109.999999 USDC', () => {
    // value = ⌊1e18 × 199,999,999,999 / 1e18⌋ = 199,999,999,999; credited = ⌊× 0.95⌋ = 189,999,999,999 (…999.05);
    // in base: ⌊189,999,999,999 × 1e6 / 1e8⌋ = 1,899,999,999 (1,899.999999 USDC); −1,790 + that = 109.999999.
    const result = simulateCometAbsorb(edge(2000n * e(8) - 1n), -1790n * e(6))
    expect(result.liquidatable).toBe(true)
    expect(result.seized).toEqual([{ offset: 2, asset: expect.any(String), amount: e(18), value: 199_999_999_999n, credited: 189_999_999_999n }])
    expect(result.creditedBase).toBe(1_899_999_999n)
    expect(result.balanceAfter).toBe(109_999_999n)
    expect(result.coveredByReserves).toBe(0n)
    // The penalty: 5 % of 1,999.99999999 = 100.00000000 (10,000,000,000 price units).
    expect(result.penaltyValue).toBe(10_000_000_000n)
  })

  test('collateral short of the debt: the balance stops at 0 and the reserves cover the rest', () => {
    // 1 WETH at 1,500: credited 1,425 USDC against 1,790 of debt; 365 USDC is bad debt the reserves absorb.
    const result = simulateCometAbsorb(edge(1500n * e(8)), -1790n * e(6))
    expect(result.balanceAfter).toBe(0n)
    expect(result.coveredByReserves).toBe(365n * e(6))
    expect(result.penaltyValue).toBe(75n * e(8))
  })

  test('every held asset goes, each at its own liquidation factor; a healthy account is not absorbable', () => {
    // 0.04 WBTC at 97,210.55 (0.95): 3,888.422 → 3,694.0009; 1.5 WETH at 3,150.42 (0.93 here): 4,725.63 → 4,394.8359.
    const input: CometAccountInput = {
      ...edge(0n),
      assetsIn: (1 << 1) | (1 << 2),
      collaterals: [collateral(1, 8, 4n * e(6), '97210.55', '0.70', '0.77'), collateral(2, 18, 15n * e(17), '3150.42', '0.825', '0.895', '0.93')],
    }
    const result = simulateCometAbsorb(input, -1790n * e(6))
    expect(result.liquidatable).toBe(false)
    expect(result.seized.map((c) => [c.value, c.credited])).toEqual([
      [388_842_200_000n, 369_400_090_000n],
      [472_563_000_000n, 439_483_590_000n],
    ])
    // −1,790 + 3,694.0009 + 4,394.8359 = 6,298.8368 USDC.
    expect(result.balanceAfter).toBe(6_298_836_800n)
  })
})
