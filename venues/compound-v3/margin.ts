// Compound v3's own account rule, replicated exactly in integer arithmetic from Comet.sol (compound-finance/comet,
// isBorrowCollateralized and isLiquidatable, with CometCore.presentValue and Comet's mulPrice, signedMulPrice and
// mulFactor): the debt is the principal at the market's stored borrow index, valued at the base price feed; each
// collateral asset the account holds is valued at its own feed and weighted by its borrow (to borrow) or liquidate
// (not to be liquidated) collateral factor, every product rounded down as the contract rounds it; the account may
// borrow while that liquidity is ≥ 0 and is liquidatable when it is < 0. What a liquidation does follows
// absorbInternal (simulateCometAbsorb). Pure: plain data in, plain data out.
import { marginFigures, type VenueMarginFigures } from '../../core/domain.js'
import { fromScale } from './units.js'

/** CometCore: collateral factors and the like are fractions × 1e18. */
export const FACTOR_SCALE = 10n ** 18n
/** CometCore: every price feed answers with 8 decimals, so value sums are in price units × 1e8. */
export const PRICE_SCALE = 10n ** 8n
/** CometCore: base supply and borrow indices are × 1e15. */
export const BASE_INDEX_SCALE = 10n ** 15n

export interface CometCollateral {
  /** The asset's place in the market's list (getAssetInfo(i).offset): its bit in assetsIn. */
  offset: number
  asset: string
  /** 10^decimals of the asset. */
  scale: bigint
  borrowCollateralFactor: bigint
  liquidateCollateralFactor: bigint
  /** The share of the asset's value absorb credits against the debt (the rest is the liquidation penalty). */
  liquidationFactor: bigint
  /** getPrice(priceFeed), 8 decimals; null when it was not read (the account does not hold the asset). */
  price: bigint | null
  /** userCollateral[account][asset].balance (= collateralBalanceOf). */
  balance: bigint
}

export interface CometAccountInput {
  /** userBasic.principal: the signed base balance in units at the market's indices (negative = borrowing). */
  principal: bigint
  /** userBasic.assetsIn: which collateral assets the account holds, bit per offset 0–15. */
  assetsIn: number
  /** userBasic._reserved: bits for offsets 16–23 (CometWithExtendedAssetList); 0 on the original Comet. */
  reserved: number
  baseScale: bigint
  /** getPrice(baseTokenPriceFeed). */
  basePrice: bigint
  /** totalsBasic(): the indices as of the market's last accrual, which isLiquidatable's presentValue uses. */
  baseSupplyIndex: bigint
  baseBorrowIndex: bigint
  /** Every collateral asset of the market, by offset. */
  collaterals: CometCollateral[]
}

export type CollateralFactor = 'borrowCollateralFactor' | 'liquidateCollateralFactor'

/** Comet.mulFactor. */
const mulFactor = (n: bigint, factor: bigint) => (n * factor) / FACTOR_SCALE
/** Comet.mulPrice. */
const mulPrice = (n: bigint, price: bigint, fromScale: bigint) => (n * price) / fromScale
/** Comet.signedMulPrice: Solidity's signed division truncates toward zero, as BigInt's does. */
const signedMulPrice = (n: bigint, price: bigint, fromScale: bigint) => (n * price) / fromScale

/** CometCore.presentValue: the signed base balance the principal stands for at the given indices (rounded down). */
export function presentValue(principal: bigint, baseSupplyIndex: bigint, baseBorrowIndex: bigint): bigint {
  if (principal >= 0n) return (principal * baseSupplyIndex) / BASE_INDEX_SCALE
  return -((-principal * baseBorrowIndex) / BASE_INDEX_SCALE)
}

/** Comet.isInAsset, in CometWithExtendedAssetList's form (bits 16–23 in _reserved); the same answer on the original. */
export function isInAsset(assetsIn: number, offset: number, reserved: number): boolean {
  if (offset < 16) return (assetsIn & (1 << offset)) !== 0
  if (offset < 24) return (reserved & (1 << (offset - 16))) !== 0
  return false
}

function heldCollaterals(input: CometAccountInput): CometCollateral[] {
  return input.collaterals.filter((c) => isInAsset(input.assetsIn, c.offset, input.reserved))
}

function priceOf(c: CometCollateral): bigint {
  // The contract reads the feed of every asset it counts; a held asset without a price cannot be valued.
  if (c.price === null) throw new TypeError(`compound-v3 margin: no price for held collateral ${c.asset}`)
  return c.price
}

/** mulPrice(balance, price, scale): the asset's value in price units (× 1e8), as Comet values it. */
export function collateralValue(c: CometCollateral): bigint {
  return mulPrice(c.balance, priceOf(c), c.scale)
}

/** The signed base term Comet starts its liquidity from: the present value at the stored indices, priced. */
function baseLiquidity(input: CometAccountInput): bigint {
  return signedMulPrice(presentValue(input.principal, input.baseSupplyIndex, input.baseBorrowIndex), input.basePrice, input.baseScale)
}

/**
 * The loop isBorrowCollateralized and isLiquidatable share: start from the priced (negative) base balance and add
 * each held asset's value times its factor, stopping as soon as the liquidity is ≥ 0 (the contract returns there).
 */
function liquidityCheck(input: CometAccountInput, factor: CollateralFactor): bigint {
  let liquidity = baseLiquidity(input)
  for (const c of [...input.collaterals].sort((a, b) => a.offset - b.offset)) {
    if (!isInAsset(input.assetsIn, c.offset, input.reserved)) continue
    if (liquidity >= 0n) return liquidity
    liquidity += mulFactor(collateralValue(c), c[factor])
  }
  return liquidity
}

/** Comet.isBorrowCollateralized. */
export function cometIsBorrowCollateralized(input: CometAccountInput): boolean {
  if (input.principal >= 0n) return true
  return liquidityCheck(input, 'borrowCollateralFactor') >= 0n
}

/** Comet.isLiquidatable. */
export function cometIsLiquidatable(input: CometAccountInput): boolean {
  if (input.principal >= 0n) return false
  return liquidityCheck(input, 'liquidateCollateralFactor') < 0n
}

export interface CometCollateralResult {
  offset: number
  asset: string
  /** Value at the asset's price, price units × 1e8. */
  value: bigint
  /** Value × borrow collateral factor: what it adds to the borrow capacity. */
  borrowValue: bigint
  /** Value × liquidate collateral factor: what it adds against liquidation. */
  liquidationValue: bigint
  /** Lowest price (× 1e8) at which the account is not liquidatable, the others fixed; below it, it is. */
  liquidationPrice: bigint | null
}

export interface CometAccountResult {
  /** Base debt priced, price units × 1e8 (0 for a supplier). */
  debtValue: bigint
  /** Base supply priced (0 for a borrower). */
  supplyValue: bigint
  collateralValue: bigint
  /** Σ value × borrow collateral factor: the borrow capacity. */
  borrowCapacity: bigint
  /** Σ value × liquidate collateral factor. */
  liquidationCapacity: bigint
  /** borrowCapacity − debt: Comet's liquidity under the borrow factors (≥ 0 ⇔ may borrow). */
  borrowLiquidity: bigint
  /** liquidationCapacity − debt: the liquidation margin (< 0 ⇔ liquidatable). */
  liquidationLiquidity: bigint
  /** What more could be borrowed, in the base asset's smallest units (Comet.divPrice of the borrow liquidity). */
  availableToBorrowBase: bigint
  isBorrowCollateralized: boolean
  isLiquidatable: boolean
  collaterals: CometCollateralResult[]
}

/**
 * The account's figures under the rule: the full sums (the contract's loop stops early, but every term is ≥ 0, so the
 * sign is the same), the two checks as the contract answers them, and each collateral's liquidation price.
 */
export function calculateCometAccount(input: CometAccountInput): CometAccountResult {
  const base = baseLiquidity(input)
  const debtValue = base < 0n ? -base : 0n
  const supplyValue = base > 0n ? base : 0n
  const held = heldCollaterals(input)
  const rows = held.map((c) => {
    const value = collateralValue(c)
    return { c, value, borrowValue: mulFactor(value, c.borrowCollateralFactor), liquidationValue: mulFactor(value, c.liquidateCollateralFactor) }
  })
  const sum = (pick: (r: (typeof rows)[number]) => bigint) => rows.reduce((s, r) => s + pick(r), 0n)
  const borrowCapacity = sum((r) => r.borrowValue)
  const liquidationCapacity = sum((r) => r.liquidationValue)
  const borrowLiquidity = borrowCapacity - debtValue
  return {
    debtValue,
    supplyValue,
    collateralValue: sum((r) => r.value),
    borrowCapacity,
    liquidationCapacity,
    borrowLiquidity,
    liquidationLiquidity: liquidationCapacity - debtValue,
    // Comet.divPrice(n, price, toScale) = n × toScale / price.
    availableToBorrowBase: borrowLiquidity > 0n ? (borrowLiquidity * input.baseScale) / input.basePrice : 0n,
    isBorrowCollateralized: cometIsBorrowCollateralized(input),
    isLiquidatable: cometIsLiquidatable(input),
    collaterals: rows.map((r) => ({
      offset: r.c.offset,
      asset: r.c.asset,
      value: r.value,
      borrowValue: r.borrowValue,
      liquidationValue: r.liquidationValue,
      liquidationPrice: liquidationPriceOf(input, r.c, debtValue, liquidationCapacity - r.liquidationValue),
    })),
  }
}

export interface CometAbsorbedCollateral {
  offset: number
  asset: string
  /** All of it: absorb takes every held collateral whole. */
  amount: bigint
  /** mulPrice(amount, price, scale), price units × 1e8. */
  value: bigint
  /** mulFactor(value, liquidationFactor): what it pays off. */
  credited: bigint
}

export interface CometAbsorbResult {
  /** Whether absorb would go through now (isLiquidatable; absorb reverts otherwise). */
  liquidatable: boolean
  seized: CometAbsorbedCollateral[]
  /** Σ credited, in base units: divPrice(Σ credited, basePrice, baseScale). */
  creditedBase: bigint
  /** The signed base balance before and after (never below 0: the reserves absorb what the collateral does not). */
  balanceBefore: bigint
  balanceAfter: bigint
  /** Base the reserves pay for debt the collateral did not cover (bad debt), 0 when it did. */
  coveredByReserves: bigint
  /** Σ (value − credited): what the account loses to the liquidation, price units × 1e8. */
  penaltyValue: bigint
}

/**
 * What Comet.absorb would do to the account (absorbInternal): seize every held collateral, credit
 * Σ mulFactor(mulPrice(amount, price, scale), liquidationFactor) converted to base with divPrice, and set the base
 * balance to the old one plus that credit, floored at 0. `balanceBefore` is the signed present value the contract
 * will start from: absorb accrues interest first, so the caller passes the balance accrued to the block
 * (balanceOf, or −borrowBalanceOf), not the stored-index one isLiquidatable uses.
 */
export function simulateCometAbsorb(input: CometAccountInput, balanceBefore: bigint): CometAbsorbResult {
  const seized = heldCollaterals(input)
    .sort((a, b) => a.offset - b.offset)
    .map((c) => {
      const value = collateralValue(c)
      return { offset: c.offset, asset: c.asset, amount: c.balance, value, credited: mulFactor(value, c.liquidationFactor) }
    })
  const credited = seized.reduce((sum, c) => sum + c.credited, 0n)
  // Comet.divPrice(n, price, toScale) = n × toScale / price.
  const creditedBase = (credited * input.baseScale) / input.basePrice
  const uncapped = balanceBefore + creditedBase
  return {
    liquidatable: cometIsLiquidatable(input),
    seized,
    creditedBase,
    balanceBefore,
    balanceAfter: uncapped < 0n ? 0n : uncapped,
    coveredByReserves: uncapped < 0n ? -uncapped : 0n,
    penaltyValue: seized.reduce((sum, c) => sum + c.value - c.credited, 0n),
  }
}

/** ⌈a / b⌉ for a ≥ 0, b > 0. */
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b

/**
 * The lowest price p of one collateral (others fixed) with mulFactor(mulPrice(balance, p, scale), lcf) ≥ the debt
 * the other collateral leaves uncovered. Both floors invert exactly: ⌊x·lcf/1e18⌋ ≥ D ⇔ x ≥ ⌈D·1e18/lcf⌉, and
 * ⌊balance·p/scale⌋ ≥ X ⇔ p ≥ ⌈X·scale/balance⌉. Null when no price of this asset alone can liquidate the account
 * (no debt, or the rest covers it) or when the asset cannot save it (no balance, factor 0).
 */
function liquidationPriceOf(input: CometAccountInput, c: CometCollateral, debtValue: bigint, othersCapacity: bigint): bigint | null {
  if (input.principal >= 0n || debtValue === 0n) return null
  const uncovered = debtValue - othersCapacity
  if (uncovered <= 0n) return null
  if (c.balance === 0n || c.liquidateCollateralFactor === 0n) return null
  const valueNeeded = ceilDiv(uncovered * FACTOR_SCALE, c.liquidateCollateralFactor)
  return ceilDiv(valueNeeded * c.scale, c.balance)
}

/** value × 1e18 / total, rounded down: a ratio that never crosses 1 the wrong way when shown. */
function ratio(numerator: bigint, denominator: bigint): string | null {
  if (denominator === 0n) return null
  return fromScale((numerator * FACTOR_SCALE) / denominator, FACTOR_SCALE)
}

/**
 * The figures as the API shows them, in the price feeds' currency. Following the lending rule's convention
 * (risk/venue-rules.ts), initial margin is collateral × (1 − borrow factor) and maintenance margin collateral ×
 * (1 − liquidate factor), so equity − maintenance margin is the liquidation margin and the health factor
 * (liquidation capacity / debt) is below 1 exactly when Comet says the account is liquidatable.
 */
export function cometFigures(result: CometAccountResult, currency: string): VenueMarginFigures {
  const price = (v: bigint) => fromScale(v, PRICE_SCALE)
  return marginFigures(currency, {
    equity: price(result.collateralValue + result.supplyValue - result.debtValue),
    totalCollateral: price(result.collateralValue),
    totalDebt: price(result.debtValue),
    initialMargin: price(result.collateralValue - result.borrowCapacity),
    maintenanceMargin: price(result.collateralValue - result.liquidationCapacity),
    healthFactor: ratio(result.liquidationCapacity, result.debtValue),
    liquidationThreshold: ratio(result.liquidationCapacity, result.collateralValue),
    ltv: ratio(result.borrowCapacity, result.collateralValue),
    availableBorrows: price(result.borrowLiquidity > 0n ? result.borrowLiquidity : 0n),
  })
}
