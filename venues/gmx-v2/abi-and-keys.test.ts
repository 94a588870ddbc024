// The connector speaks GMX v2's real interface: its ABI fragments are the deployed Reader's, and its DataStore keys
// are hashed as Keys.sol hashes them.
import { Interface, keccak256, toUtf8Bytes } from 'ethers'
import { describe, test } from '@jest/globals'
import { expect } from '../../test/support/expect.js'
import { READER_ABI } from './abi.js'
import { MIN_COLLATERAL_USD_KEY, baseKey, marketKey, marketMarginKeys, positionKey } from './keys.js'
import { solidityBaseKey, solidityMarketKey, solidityPositionKey } from './local/datastore-keys.js'
import { MARKETS, TOKENS, TRADER } from './local/state.js'

describe('GMX v2 Reader ABI', () => {
  test('each fragment’s full signature, outputs included, is the deployed Reader’s', () => {
    // keccak256 of ethers' full format of each function in gmx-synthetics deployments/arbitrum/Reader.json at commit
    // a5c0c8835182cbd84e47dca04b971239311d2f1d (identical in deployments/avalanche/Reader.json), taken when this
    // fragment was written: a changed field name, type or order in ours changes the hash.
    const deployed: Record<string, string> = {
      getAccountPositionInfoList: '0x13cc0e3b6b9026cd74893ad4b296208b2bd863f99a914618e7f01caa64fd3317',
      getPositionInfoList: '0x1d07c6a30d990f8fda5285b15547b22e4ab045897febbb77f0aa36bc3a1961bd',
      getAccountPositions: '0x21aa0e41b67e5142cbf83fb8e302988a7ef12dcfa9e016bc870df0508c2068b7',
      getMarket: '0x6c19aff51f5d9c7891e650328a655d89c02c9612fc55ccf11dc8a13312f066fe',
    }
    const ours = new Interface(READER_ABI)
    for (const [name, hash] of Object.entries(deployed)) expect(keccak256(toUtf8Bytes(ours.getFunction(name)!.format('full'))), name).toBe(hash)
  })

  test('getAccountPositionInfoList has the deployed selector', () => {
    // 4-byte selector of the same function in the deployment file.
    expect(new Interface(READER_ABI).getFunction('getAccountPositionInfoList')!.selector).toBe('0xb05e0ea0')
  })
})

describe('GMX v2 DataStore keys (Keys.sol)', () => {
  test('a base key is keccak256(abi.encode(name)), laid out byte by byte', () => {
    for (const name of ['MIN_COLLATERAL_FACTOR', 'MIN_COLLATERAL_FACTOR_FOR_LIQUIDATION', 'MIN_COLLATERAL_USD', 'MAX_POSITION_IMPACT_FACTOR_FOR_LIQUIDATIONS']) {
      expect(baseKey(name), name).toBe(solidityBaseKey(name))
    }
    expect(MIN_COLLATERAL_USD_KEY).toBe(solidityBaseKey('MIN_COLLATERAL_USD'))
  })

  test('MIN_COLLATERAL_FACTOR matches the constant published for Keys.sol', () => {
    // The bytes32 constant as a public GMX event indexer lists it ("precomputed keccak256(abi.encode("KEY_NAME"))
    // hashes … match the bytes32 constants in contracts/data/Keys.sol").
    expect(baseKey('MIN_COLLATERAL_FACTOR')).toBe('0x9fc265ee9783e670a7a731141f58b59bca5a260ba3eb3f893412fb613dc559f7')
  })

  test('a market key is keccak256(abi.encode(BASE_KEY, market)), not the packed bytes', () => {
    const market = MARKETS.ETH_USD.marketToken
    const keys = marketMarginKeys(market)
    expect(keys.minCollateralFactor).toBe(solidityMarketKey('MIN_COLLATERAL_FACTOR', market))
    expect(keys.minCollateralFactorForLiquidation).toBe(solidityMarketKey('MIN_COLLATERAL_FACTOR_FOR_LIQUIDATION', market))
    expect(keys.maxPositionImpactFactorForLiquidations).toBe(solidityMarketKey('MAX_POSITION_IMPACT_FACTOR_FOR_LIQUIDATIONS', market))
    // The address's case does not matter; the key of another market differs.
    expect(marketKey('MIN_COLLATERAL_FACTOR', market.toLowerCase())).toBe(keys.minCollateralFactor)
    expect(marketKey('MIN_COLLATERAL_FACTOR', MARKETS.BTC_USD.marketToken)).not.toBe(keys.minCollateralFactor)
  })

  test('a position key is keccak256(abi.encode(account, market, collateralToken, isLong))', () => {
    expect(positionKey(TRADER, MARKETS.ETH_USD.marketToken, TOKENS.WETH, true)).toBe(solidityPositionKey(TRADER, MARKETS.ETH_USD.marketToken, TOKENS.WETH, true))
    expect(positionKey(TRADER, MARKETS.ETH_USD.marketToken, TOKENS.WETH, false)).not.toBe(positionKey(TRADER, MARKETS.ETH_USD.marketToken, TOKENS.WETH, true))
  })
})
