// The Comet view functions the local node serves, computed over the state (state.ts) by following
// compound-finance/comet contracts/Comet.sol and CometCore.sol (commit d5a30b0a) line by line in bigint, so the answers
// the connector compares its replication with (isLiquidatable, isBorrowCollateralized) come from an independent
// implementation, not from ../margin.ts. Solidity's integer division truncates toward zero, as BigInt's does.
import type { LocalCometState } from './state.js'
import { units } from './state.js'

// CometCore constants.
const FACTOR_SCALE = 10n ** 18n
const BASE_INDEX_SCALE = 10n ** 15n
const SECONDS_PER_YEAR = 31_536_000n

/** Comet reverts with these (CometMainInterface errors); the node encodes them. */
export class CometError extends Error {
  constructor(readonly errorName: 'BadAsset' | 'BadPrice' | 'Absurd') {
    super(errorName)
  }
}

export interface AssetInfo {
  offset: number
  asset: string
  priceFeed: string
  scale: bigint
  borrowCollateralFactor: bigint
  liquidateCollateralFactor: bigint
  liquidationFactor: bigint
  supplyCap: bigint
}

export interface UserBasic {
  principal: bigint
  baseTrackingIndex: bigint
  baseTrackingAccrued: bigint
  assetsIn: number
  _reserved: number
}

/** One Comet market over a mutable state (tests move prices). */
export class LocalComet {
  constructor(readonly state: LocalCometState) {}

  get baseScale(): bigint {
    // Comet constructor: baseScale = uint64(10 ** decimals_).
    return 10n ** BigInt(this.state.base.decimals)
  }

  get numAssets(): number {
    return this.state.assets.length
  }

  /**
   * Comet.getAssetInfo(i) after the constructor's getPackedAssetInternal: factors kept with 4 decimals
   * (descale = FACTOR_SCALE / 1e4) and rescaled, the supply cap kept in whole units and multiplied back by the scale.
   */
  getAssetInfo(i: number): AssetInfo {
    if (i >= this.numAssets) throw new CometError('BadAsset')
    const config = this.state.assets[i]!
    const descale = FACTOR_SCALE / 10_000n
    const pack = (fraction: string) => units(fraction, 18) / descale
    const scale = 10n ** BigInt(config.decimals)
    return {
      offset: i,
      asset: config.asset,
      priceFeed: config.priceFeed,
      scale,
      borrowCollateralFactor: pack(config.borrowCF) * descale,
      liquidateCollateralFactor: pack(config.liquidateCF) * descale,
      liquidationFactor: pack(config.liquidationFactor) * descale,
      supplyCap: ((config.supplyCap * scale) / scale) * scale,
    }
  }

  /** Comet.getPrice: the feed's latestRoundData answer; a price ≤ 0 reverts BadPrice. */
  getPrice(priceFeed: string): bigint {
    const price = Object.entries(this.state.prices).find(([feed]) => feed.toLowerCase() === priceFeed.toLowerCase())?.[1]
    // A feed the market does not know is no contract: the real call would revert without data.
    if (price === undefined) throw new CometError('Absurd')
    if (price <= 0n) throw new CometError('BadPrice')
    return price
  }

  private account(address: string) {
    return Object.entries(this.state.accounts).find(([a]) => a.toLowerCase() === address.toLowerCase())?.[1]
  }

  /** CometStorage.userCollateral[account][asset].balance (= CometExt.collateralBalanceOf). */
  collateralBalanceOf(account: string, asset: string): bigint {
    const row = this.account(account)
    return Object.entries(row?.collateral ?? {}).find(([a]) => a.toLowerCase() === asset.toLowerCase())?.[1] ?? 0n
  }

  /**
   * CometStorage.userBasic[account]. assetsIn holds the bit of every asset with a balance, as Comet.updateAssetsIn
   * keeps it; offsets 16–23 would live in _reserved (CometWithExtendedAssetList), which this 5-asset market never uses.
   */
  userBasic(account: string): UserBasic {
    const row = this.account(account)
    let assetsIn = 0
    let reserved = 0
    this.state.assets.forEach((a, i) => {
      if (this.collateralBalanceOf(account, a.asset) === 0n) return
      if (i < 16) assetsIn |= 1 << i
      else reserved |= 1 << (i - 16)
    })
    return { principal: row?.principal ?? 0n, baseTrackingIndex: 0n, baseTrackingAccrued: 0n, assetsIn, _reserved: reserved }
  }

  totalsBasic(nowSeconds: bigint) {
    return { ...this.state.totals, lastAccrualTime: nowSeconds - this.state.secondsSinceAccrual }
  }

  // --- Interest: Comet.accruedInterestIndices and the rate model it calls. -----------------------------------------

  /** Comet constructor: per-second rates are the configured per-year rates / SECONDS_PER_YEAR, rounded down. */
  private perSecond(fraction: string): bigint {
    return units(fraction, 18) / SECONDS_PER_YEAR
  }

  /** Comet.getUtilization (at the stored indices). */
  getUtilization(): bigint {
    const { baseSupplyIndex, baseBorrowIndex, totalSupplyBase, totalBorrowBase } = this.state.totals
    const totalSupply = (totalSupplyBase * baseSupplyIndex) / BASE_INDEX_SCALE
    const totalBorrow = (totalBorrowBase * baseBorrowIndex) / BASE_INDEX_SCALE
    if (totalSupply === 0n) return 0n
    return (totalBorrow * FACTOR_SCALE) / totalSupply
  }

  private rate(utilization: bigint, kink: string, base: string, low: string, high: string): bigint {
    const k = units(kink, 18)
    const mulFactor = (n: bigint, factor: bigint) => (n * factor) / FACTOR_SCALE
    if (utilization <= k) return this.perSecond(base) + mulFactor(this.perSecond(low), utilization)
    return this.perSecond(base) + mulFactor(this.perSecond(low), k) + mulFactor(this.perSecond(high), utilization - k)
  }

  getSupplyRate(utilization: bigint): bigint {
    const r = this.state.rates
    return this.rate(utilization, r.supplyKink, r.supplyBase, r.supplySlopeLow, r.supplySlopeHigh)
  }

  getBorrowRate(utilization: bigint): bigint {
    const r = this.state.rates
    return this.rate(utilization, r.borrowKink, r.borrowBase, r.borrowSlopeLow, r.borrowSlopeHigh)
  }

  /** Comet.accruedInterestIndices(timeElapsed). */
  accruedInterestIndices(timeElapsed: bigint): { baseSupplyIndex: bigint; baseBorrowIndex: bigint } {
    let baseSupplyIndex = this.state.totals.baseSupplyIndex
    let baseBorrowIndex = this.state.totals.baseBorrowIndex
    if (timeElapsed > 0n) {
      const utilization = this.getUtilization()
      const supplyRate = this.getSupplyRate(utilization)
      const borrowRate = this.getBorrowRate(utilization)
      baseSupplyIndex += (baseSupplyIndex * (supplyRate * timeElapsed)) / FACTOR_SCALE
      baseBorrowIndex += (baseBorrowIndex * (borrowRate * timeElapsed)) / FACTOR_SCALE
    }
    return { baseSupplyIndex, baseBorrowIndex }
  }

  /** Comet.balanceOf: the positive base balance at the indices accrued to now. */
  balanceOf(account: string): bigint {
    const { baseSupplyIndex } = this.accruedInterestIndices(this.state.secondsSinceAccrual)
    const principal = this.userBasic(account).principal
    return principal > 0n ? (principal * baseSupplyIndex) / BASE_INDEX_SCALE : 0n
  }

  /** Comet.borrowBalanceOf: the debt at the indices accrued to now. */
  borrowBalanceOf(account: string): bigint {
    const { baseBorrowIndex } = this.accruedInterestIndices(this.state.secondsSinceAccrual)
    const principal = this.userBasic(account).principal
    return principal < 0n ? (-principal * baseBorrowIndex) / BASE_INDEX_SCALE : 0n
  }

  // --- Collateralisation: Comet.isBorrowCollateralized and Comet.isLiquidatable. -----------------------------------

  /** CometCore.presentValue: at the stored indices (the view does not accrue). */
  private presentValue(principal: bigint): bigint {
    const { baseSupplyIndex, baseBorrowIndex } = this.state.totals
    if (principal >= 0n) return (principal * baseSupplyIndex) / BASE_INDEX_SCALE
    return -((-principal * baseBorrowIndex) / BASE_INDEX_SCALE)
  }

  /** CometWithExtendedAssetList.isInAsset (the original's for offsets < 16). */
  private isInAsset(assetsIn: number, assetOffset: number, reserved: number): boolean {
    if (assetOffset < 16) return (assetsIn & (1 << assetOffset)) !== 0
    if (assetOffset < 24) return (reserved & (1 << (assetOffset - 16))) !== 0
    return false
  }

  isBorrowCollateralized(account: string): boolean {
    const principal = this.userBasic(account).principal
    if (principal >= 0n) return true
    const assetsIn = this.userBasic(account).assetsIn
    const reserved = this.userBasic(account)._reserved
    // signedMulPrice(presentValue(principal), getPrice(baseTokenPriceFeed), uint64(baseScale))
    let liquidity = (this.presentValue(principal) * this.getPrice(this.state.base.priceFeed)) / this.baseScale
    for (let i = 0; i < this.numAssets; i++) {
      if (this.isInAsset(assetsIn, i, reserved)) {
        if (liquidity >= 0n) return true
        const asset = this.getAssetInfo(i)
        // mulPrice(userCollateral[account][asset.asset].balance, getPrice(asset.priceFeed), asset.scale)
        const newAmount = (this.collateralBalanceOf(account, asset.asset) * this.getPrice(asset.priceFeed)) / asset.scale
        // liquidity += signed256(mulFactor(newAmount, asset.borrowCollateralFactor))
        liquidity += (newAmount * asset.borrowCollateralFactor) / FACTOR_SCALE
      }
    }
    return liquidity >= 0n
  }

  isLiquidatable(account: string): boolean {
    const principal = this.userBasic(account).principal
    if (principal >= 0n) return false
    const assetsIn = this.userBasic(account).assetsIn
    const reserved = this.userBasic(account)._reserved
    let liquidity = (this.presentValue(principal) * this.getPrice(this.state.base.priceFeed)) / this.baseScale
    for (let i = 0; i < this.numAssets; i++) {
      if (this.isInAsset(assetsIn, i, reserved)) {
        if (liquidity >= 0n) return false
        const asset = this.getAssetInfo(i)
        const newAmount = (this.collateralBalanceOf(account, asset.asset) * this.getPrice(asset.priceFeed)) / asset.scale
        liquidity += (newAmount * asset.liquidateCollateralFactor) / FACTOR_SCALE
      }
    }
    return liquidity < 0n
  }
}
