// The replicated Aave v3 account rule on hand-made inputs: each number is worked by hand from the integer
// formulas of aave-v3-core 1.19 (GenericLogic.calculateUserAccountData, PercentageMath.percentMul,
// WadRayMath.wadDiv, node_modules/@aave/core-v3/contracts). aave-v3.test.ts checks the same code against the
// deployed contracts themselves.
import { describe, expect, test } from '@jest/globals'
import { aaveCollateralFactors, aaveFigures, calculateAaveAccount, simulateAaveLiquidation, type AaveAccountInput, type AaveReserveState } from './margin.js'

const E8 = 10n ** 8n

function reserve(partial: Partial<AaveReserveState> & Pick<AaveReserveState, 'symbol'>): AaveReserveState {
  return {
    asset: `0x${partial.symbol.padEnd(40, '0')}`,
    decimals: 8,
    priceBase: E8,
    aTokenBalance: 0n,
    debtBalance: 0n,
    usageAsCollateralEnabled: true,
    ltvBps: 8000n,
    liquidationThresholdBps: 8250n,
    eModeCategory: 0n,
    ...partial,
  }
}

const account = (reserves: AaveReserveState[], userEMode: AaveAccountInput['userEMode'] = null) => calculateAaveAccount({ reserves, userEMode, baseCurrencyDecimals: 8 })

describe('Aave v3 account rule (replicated)', () => {
  test('weighted threshold and LTV are truncated to whole bps, HF is collateral × LT / debt', () => {
    // WETH 2 × 2000 = 4000 (LT 8250, LTV 8000) and USDC 3000 (LT 8000, LTV 7700), debt 1000 USDC.
    const r = account([
      reserve({ symbol: 'WETH', decimals: 18, priceBase: 2000n * E8, aTokenBalance: 2n * 10n ** 18n }),
      reserve({ symbol: 'USDC', decimals: 6, aTokenBalance: 3000n * 10n ** 6n, debtBalance: 1000n * 10n ** 6n, ltvBps: 7700n, liquidationThresholdBps: 8000n }),
    ])
    expect(r.totalCollateralBase).toBe(7000n * E8)
    expect(r.totalDebtBase).toBe(1000n * E8)
    // (4000 × 8250 + 3000 × 8000) / 7000 = 8142.857 → 8142; (4000 × 8000 + 3000 × 7700) / 7000 = 7871.4 → 7871.
    expect(r.currentLiquidationThreshold).toBe(8142n)
    expect(r.ltv).toBe(7871n)
    // 7000 × 0.8142 / 1000 = 5.6994 exactly; available = 7000 × 0.7871 − 1000 = 4509.7.
    expect(r.healthFactor).toBe(5_699_400_000_000_000_000n)
    expect(r.healthFactorDecimal).toBe('5.6994')
    expect(r.availableBorrowsBase).toBe(450_970_000_000n)
  })

  test('percentMul rounds half up: 3 base units × 85 % is 3, not 2', () => {
    // percentMul(3, 8500) = (3 × 8500 + 5000) / 10000 = 3; wadDiv(3, 1) = 3e18. Truncation would give HF 2.
    const r = account([reserve({ symbol: 'A', aTokenBalance: 3n, decimals: 0, priceBase: 1n, liquidationThresholdBps: 8500n }), reserve({ symbol: 'B', decimals: 0, priceBase: 1n, debtBalance: 1n })])
    expect(r.healthFactor).toBe(3n * 10n ** 18n)
  })

  test('wadDiv rounds half up: 2 / 3 is 0.666…667', () => {
    // percentMul(4, 5000) = 2; wadDiv(2, 3) = (2e18 + 1) / 3 = 666666666666666667.
    const r = account([reserve({ symbol: 'A', aTokenBalance: 4n, decimals: 0, priceBase: 1n, liquidationThresholdBps: 5000n }), reserve({ symbol: 'B', decimals: 0, priceBase: 1n, debtBalance: 3n })])
    expect(r.healthFactor).toBe(666_666_666_666_666_667n)
  })

  test('each reserve is converted to base units by integer division on its own, so dust below one unit is lost per reserve', () => {
    // 0.6e-8 USD in each of two reserves: each truncates to 0, although together they exceed one base unit.
    const dust = (symbol: string) => reserve({ symbol, decimals: 10, priceBase: E8, aTokenBalance: 60n })
    expect(account([dust('A'), dust('B')]).totalCollateralBase).toBe(0n)
    expect(account([reserve({ symbol: 'C', decimals: 10, priceBase: E8, aTokenBalance: 120n })]).totalCollateralBase).toBe(1n)
  })

  test('collateral the user switched off, or whose liquidation threshold is 0, counts nothing; its debt still counts', () => {
    const r = account([
      reserve({ symbol: 'WETH', aTokenBalance: 10n * E8, priceBase: 2000n * E8 }),
      reserve({ symbol: 'OFF', aTokenBalance: 100n * E8, usageAsCollateralEnabled: false }),
      reserve({ symbol: 'LT0', aTokenBalance: 100n * E8, ltvBps: 0n, liquidationThresholdBps: 0n, debtBalance: 5n * E8 }),
    ])
    expect(r.totalCollateralBase).toBe(20_000n * E8)
    expect(r.totalDebtBase).toBe(5n * E8)
    expect(r.currentLiquidationThreshold).toBe(8250n)
    expect(r.hasZeroLtvCollateral).toBe(false)
  })

  test('LTV-0 collateral adds value and threshold weight but no LTV weight, and is reported', () => {
    // 1000 at LTV 0 / LT 4100 and 1000 at LTV 8000 / LT 8250: LTV 8000 × 1000 / 2000 = 4000; LT (4100 + 8250) / 2 = 6175.
    const r = account([reserve({ symbol: 'CRV', aTokenBalance: 1000n * E8, ltvBps: 0n, liquidationThresholdBps: 4100n }), reserve({ symbol: 'WETH', aTokenBalance: 1000n * E8 })])
    expect(r.totalCollateralBase).toBe(2000n * E8)
    expect(r.ltv).toBe(4000n)
    expect(r.currentLiquidationThreshold).toBe(6175n)
    expect(r.hasZeroLtvCollateral).toBe(true)
  })

  test('in e-mode, reserves of the user’s category take its LT, LTV and price source; others keep their own', () => {
    const eMode = { id: 1n, ltvBps: 9300n, liquidationThresholdBps: 9500n, priceBase: 99_000_000n }
    const r = account(
      [
        reserve({ symbol: 'USDC', decimals: 6, aTokenBalance: 10_000n * 10n ** 6n, debtBalance: 8000n * 10n ** 6n, ltvBps: 7700n, liquidationThresholdBps: 8000n, eModeCategory: 1n }),
        reserve({ symbol: 'WETH', decimals: 18, priceBase: 2000n * E8, aTokenBalance: 10n ** 18n, eModeCategory: 2n }),
      ],
      eMode,
    )
    // USDC and its debt at 0.99: collateral 9900 + 2000, debt 7920. LT (9900 × 9500 + 2000 × 8250) / 11900 = 9289.9 → 9289.
    expect(r.totalCollateralBase).toBe(11_900n * E8)
    expect(r.totalDebtBase).toBe(7920n * E8)
    expect(r.currentLiquidationThreshold).toBe(9289n)
    expect(r.ltv).toBe(9081n)
    // percentMul(11900e8, 9289) = 11053.91e8; / 7920e8 = 1.395695707070707070|7 → half up ends in 1.
    expect(r.healthFactor).toBe(1_395_695_707_070_707_071n)
  })

  test('collateral factors per supplied reserve, as the account weighs them: e-mode, switched off, LT 0, LTV 0', () => {
    const eMode = { id: 1n, ltvBps: 9300n, liquidationThresholdBps: 9500n, priceBase: null }
    const reserves = [
      reserve({ symbol: 'USDC', aTokenBalance: 100n * E8, ltvBps: 7700n, liquidationThresholdBps: 8000n, eModeCategory: 1n }),
      reserve({ symbol: 'WETH', aTokenBalance: 100n * E8, eModeCategory: 2n }),
      reserve({ symbol: 'OFF', aTokenBalance: 100n * E8, usageAsCollateralEnabled: false }),
      reserve({ symbol: 'LT0', aTokenBalance: 100n * E8, ltvBps: 0n, liquidationThresholdBps: 0n }),
      reserve({ symbol: 'CRV', aTokenBalance: 100n * E8, ltvBps: 0n, liquidationThresholdBps: 4100n }),
      reserve({ symbol: 'DEBT', debtBalance: 100n * E8 }),
    ]
    const factors = aaveCollateralFactors({ reserves, userEMode: eMode, baseCurrencyDecimals: 8 })
    expect(factors).toEqual([
      { asset: 'USDC', ltv: '0.93', liquidationThreshold: '0.95' },
      { asset: 'WETH', ltv: '0.8', liquidationThreshold: '0.825' },
      { asset: 'OFF', ltv: '0', liquidationThreshold: '0' },
      { asset: 'LT0', ltv: '0', liquidationThreshold: '0' },
      { asset: 'CRV', ltv: '0', liquidationThreshold: '0.41' },
    ])
    // Weighted by the reserves' values (100 each), they give the account's own threshold: (9500 + 8250 + 4100) / 3
    // over the 300 that counts = 7283.3 → 7283 bps, as calculateUserAccountData truncates it.
    const r = account(reserves, eMode)
    expect(r.currentLiquidationThreshold).toBe(7283n)
    const counted = factors.filter((f) => Number(f.liquidationThreshold) > 0)
    expect(Math.trunc((counted.reduce((sum, f) => sum + Number(f.liquidationThreshold), 0) / counted.length) * 10_000)).toBe(7283)
  })

  test('an e-mode category without a price source leaves the oracle prices alone', () => {
    const reserves = [reserve({ symbol: 'USDC', aTokenBalance: 100n * E8, eModeCategory: 1n })]
    expect(account(reserves, { id: 1n, ltvBps: 9300n, liquidationThresholdBps: 9500n, priceBase: null }).totalCollateralBase).toBe(100n * E8)
    expect(account(reserves, { id: 1n, ltvBps: 9300n, liquidationThresholdBps: 9500n, priceBase: 0n }).currentLiquidationThreshold).toBe(9500n)
  })

  test('no debt: HF is 2^256 − 1 as the contract answers, shown as null; figures convert bps to fractions', () => {
    const r = account([reserve({ symbol: 'WETH', aTokenBalance: 1n * E8, priceBase: 2000n * E8 })])
    expect(r.healthFactor).toBe(2n ** 256n - 1n)
    expect(r.healthFactorDecimal).toBeNull()
    expect(aaveFigures(r, 8)).toEqual({
      currency: 'USD',
      equity: '2000',
      totalCollateral: '2000',
      totalDebt: '0',
      initialMargin: null,
      maintenanceMargin: null,
      marginRatio: null,
      healthFactor: null,
      liquidationThreshold: '0.825',
      ltv: '0.8',
      availableBorrows: '1600',
      withdrawable: null,
    })
  })

  test('an empty account is all zeros, as the contract answers for an empty user configuration', () => {
    const r = account([])
    expect([r.totalCollateralBase, r.totalDebtBase, r.availableBorrowsBase, r.currentLiquidationThreshold, r.ltv]).toEqual([0n, 0n, 0n, 0n, 0n])
  })

  test('the input is not mutated', () => {
    const reserves = [reserve({ symbol: 'USDC', aTokenBalance: 100n * E8, eModeCategory: 1n })]
    const copy = structuredClone(reserves)
    account(reserves, { id: 1n, ltvBps: 9300n, liquidationThresholdBps: 9500n, priceBase: 99_000_000n })
    expect(reserves).toEqual(copy)
  })
})

describe('Aave liquidation: v3.3 close factor on the whole position (aave-v3-origin docs/3.3, LiquidationLogic)', () => {
  // WETH collateral at 2,000 (18 decimals, bonus 5 %, no protocol fee) and USDC / DAI debts at 1.00 (6 decimals).
  const weth = (units: bigint) => ({ priceBase: 2000n * E8, decimals: 18, balance: units * 10n ** 18n, liquidationBonusBps: 10_500n, liquidationProtocolFeeBps: 0n })
  const usd = (amount: bigint) => ({ priceBase: E8, decimals: 6, totalDebt: amount * 10n ** 6n })
  const HF_096 = 96n * 10n ** 16n

  test('50 % of the whole debt, not of the reserve: 7,000 DAI of 10,000 may lose 5,000 (v3.0: 3,500); 3,000 USDC all of it', () => {
    const base = { healthFactor: HF_096, collateral: weth(6n), debtToCover: null, totalDebtBase: 10_000n * E8 }
    const dai = simulateAaveLiquidation({ ...base, debt: usd(7000n), rules: 'v3.3' })
    expect(dai.maxLiquidatableDebt).toBe(5000n * 10n ** 6n)
    expect(simulateAaveLiquidation({ ...base, debt: usd(7000n) }).maxLiquidatableDebt).toBe(3500n * 10n ** 6n)
    // 3,000 ≤ 5,000 (half the position): the whole USDC debt may go in one call.
    expect(simulateAaveLiquidation({ ...base, debt: usd(3000n), rules: 'v3.3' }).maxLiquidatableDebt).toBe(3000n * 10n ** 6n)
    // 5,000 DAI buys 5,000 × 1.05 / 2,000 = 2.625 WETH.
    expect(dai.collateralToLiquidator).toBe(2_625n * 10n ** 15n)
  })

  test('a pair under 2,000 of debt (or collateral) closes at 100 % even above HF 0.95', () => {
    const r = simulateAaveLiquidation({ healthFactor: 99n * 10n ** 16n, collateral: weth(1n), debt: usd(1500n), debtToCover: null, rules: 'v3.3', totalDebtBase: 1500n * E8 })
    expect(r.maxLiquidatableDebt).toBe(1500n * 10n ** 6n)
    expect(r.closeFactorBps).toBe(10_000n)
  })

  test('a liquidation leaving under 1,000 of debt without clearing it is refused (dust): 2,400 USDC of 3,000 at most 1,500 leaves 900', () => {
    const r = simulateAaveLiquidation({ healthFactor: HF_096, collateral: weth(2n), debt: usd(2400n), debtToCover: null, rules: 'v3.3', totalDebtBase: 3000n * E8 })
    expect(r.maxLiquidatableDebt).toBe(1500n * 10n ** 6n)
    expect(r.leavesDust).toBe(true)
    // 1,400 leaves 1,000 of debt and 4,000 − 1,470 of collateral: allowed.
    expect(simulateAaveLiquidation({ healthFactor: HF_096, collateral: weth(2n), debt: usd(2400n), debtToCover: 1400n * 10n ** 6n, rules: 'v3.3', totalDebtBase: 3000n * E8 }).leavesDust).toBe(false)
    // v3.0 has no such rule.
    expect(simulateAaveLiquidation({ healthFactor: HF_096, collateral: weth(2n), debt: usd(2400n), debtToCover: null }).leavesDust).toBe(false)
  })
})
