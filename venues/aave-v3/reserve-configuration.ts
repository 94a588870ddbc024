// A reserve's whole configuration from the one 256-bit word the Pool keeps for it (getConfiguration), as Aave v3's
// ReserveConfiguration library lays it out: one read instead of seven data-provider calls. Bit positions are those
// of aave-v3-core 1.19's ReserveConfiguration.sol (the *_START_BIT_POSITION constants and masks).

export interface ReserveConfiguration {
  ltvBps: bigint
  liquidationThresholdBps: bigint
  /** 10000 + bonus, in bps (10500 = 5 % bonus), as the contract stores it. */
  liquidationBonusBps: bigint
  decimals: number
  active: boolean
  frozen: boolean
  borrowingEnabled: boolean
  stableBorrowingEnabled: boolean
  paused: boolean
  borrowableInIsolation: boolean
  siloedBorrowing: boolean
  flashLoanEnabled: boolean
  reserveFactorBps: bigint
  /** Whole tokens; 0 = no cap. */
  borrowCap: bigint
  /** Whole tokens; 0 = no cap. */
  supplyCap: bigint
  /** Share of the liquidation bonus the protocol keeps, in bps. */
  liquidationProtocolFeeBps: bigint
  eModeCategory: bigint
  /** Isolation-mode debt ceiling in USD with 2 decimals (DEBT_CEILING_DECIMALS); 0 = not an isolated asset. */
  debtCeiling: bigint
}

const bits = (word: bigint, start: number, length: number): bigint => (word >> BigInt(start)) & ((1n << BigInt(length)) - 1n)
const flag = (word: bigint, position: number): boolean => bits(word, position, 1) === 1n

export const DEBT_CEILING_DECIMALS = 2

export function decodeReserveConfiguration(word: bigint): ReserveConfiguration {
  return {
    ltvBps: bits(word, 0, 16),
    liquidationThresholdBps: bits(word, 16, 16),
    liquidationBonusBps: bits(word, 32, 16),
    decimals: Number(bits(word, 48, 8)),
    active: flag(word, 56),
    frozen: flag(word, 57),
    borrowingEnabled: flag(word, 58),
    stableBorrowingEnabled: flag(word, 59),
    paused: flag(word, 60),
    borrowableInIsolation: flag(word, 61),
    siloedBorrowing: flag(word, 62),
    flashLoanEnabled: flag(word, 63),
    reserveFactorBps: bits(word, 64, 16),
    borrowCap: bits(word, 80, 36),
    supplyCap: bits(word, 116, 36),
    liquidationProtocolFeeBps: bits(word, 152, 16),
    eModeCategory: bits(word, 168, 8),
    debtCeiling: bits(word, 212, 40),
  }
}
