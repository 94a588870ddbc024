// A local JSON-RPC node for tests and the end-to-end run (the shared ../../local-evm-node.ts) whose eth_call answers
// as an Arbitrum node holding GMX v2's Reader and DataStore would, from a state (state.ts). Calls are decoded and
// answers ABI-encoded with ethers' AbiCoder through the real Reader ABI (../abi.ts), so the connector decodes them
// exactly as it decodes mainnet's.
import { AbiCoder, Interface, ZeroAddress } from 'ethers'
import { z } from 'zod'
import { address, callArguments } from '../../evm-abi.js'
import { Revert, startLocalEvmNode, type LocalEvmNode } from '../../local-evm-node.js'
import { DATA_STORE_ABI, READER_ABI } from '../abi.js'
import { solidityBaseKey, solidityMarketKey } from './datastore-keys.js'
import { localPositionKey, positionInfo, positionProps, type MarketPrices } from './reader-answers.js'
import type { LocalGmxState } from './state.js'

/** The shared local node (../../local-evm-node.ts): call log, block age, chain id and code switches. */
export type LocalGmxRpc = LocalEvmNode

const coder = AbiCoder.defaultAbiCoder()
const reader = new Interface(READER_ABI)
const dataStore = new Interface(DATA_STORE_ABI)
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

function dataStoreValues(state: LocalGmxState): Map<string, bigint> {
  const values = new Map<string, bigint>([[solidityBaseKey('MIN_COLLATERAL_USD'), state.minCollateralUsd]])
  for (const [market, params] of Object.entries(state.marketParams)) {
    values.set(solidityMarketKey('MIN_COLLATERAL_FACTOR', market), params.minCollateralFactor)
    values.set(solidityMarketKey('MIN_COLLATERAL_FACTOR_FOR_LIQUIDATION', market), params.minCollateralFactorForLiquidation)
    values.set(solidityMarketKey('MAX_POSITION_IMPACT_FACTOR_FOR_LIQUIDATIONS', market), params.maxPositionImpactFactorForLiquidations)
  }
  return values
}

const PriceSchema = z.object({ min: z.bigint(), max: z.bigint() })
const MarketPricesSchema = z.object({ indexTokenPrice: PriceSchema, longTokenPrice: PriceSchema, shortTokenPrice: PriceSchema }) satisfies z.ZodType<MarketPrices>

/** The Reader functions' arguments, by their names in the ABI; each function has some of them. */
const ReaderArgsSchema = z.looseObject({
  dataStore: address,
  key: address.optional(),
  account: address.optional(),
  start: z.bigint().optional(),
  end: z.bigint().optional(),
  markets: z.array(address).optional(),
  marketPrices: z.array(MarketPricesSchema).optional(),
  positionKeys: z.array(z.string()).optional(),
  prices: z.array(MarketPricesSchema).optional(),
})

/** The Reader's functions over the state; each answer ABI-encoded as the function's outputs. */
function callReader(state: LocalGmxState, data: string): string {
  const call = reader.parseTransaction({ data })
  if (!call) throw new Revert('0x')
  const fn = reader.getFunction(call.name)!
  const encode = (value: unknown) => coder.encode(fn.outputs, [value])
  const args = ReaderArgsSchema.parse(callArguments(fn, call.args))
  // The real Reader reads the DataStore it is given; another address has none of its functions and reverts.
  if (!same(args.dataStore, state.dataStore)) throw new Revert('0x')
  const marketOf = (address: string) => state.markets.find((m) => same(m.marketToken, address))
  const accountPositions = (account: string, start: bigint, end: bigint) => state.positions.filter((p) => same(p.account, account)).slice(Number(start), Number(end))
  switch (call.name) {
    case 'getMarket': {
      const market = marketOf(args.key ?? '')
      return encode(market ?? { marketToken: ZeroAddress, indexToken: ZeroAddress, longToken: ZeroAddress, shortToken: ZeroAddress })
    }
    case 'getAccountPositions':
      return encode(accountPositions(args.account ?? '', args.start ?? 0n, args.end ?? 0n).map(positionProps))
    case 'getAccountPositionInfoList': {
      const markets = args.markets ?? []
      return encode(
        accountPositions(args.account ?? '', args.start ?? 0n, args.end ?? 0n).map((p) => {
          const i = markets.findIndex((m) => same(m, p.market))
          // ReaderPositionUtils._getMarketPricesByAddress.
          if (i < 0) throw new Revert(reader.encodeErrorResult('EmptyMarketPrice', [p.market]))
          return positionInfo(p, marketOf(p.market)!, args.marketPrices![i]!)
        }),
      )
    }
    case 'getPositionInfoList': {
      return encode(
        (args.positionKeys ?? []).map((key, i) => {
          const p = state.positions.find((q) => localPositionKey(q) === key)
          if (!p) throw new Revert(new Interface(['error EmptyPosition()']).encodeErrorResult('EmptyPosition', []))
          return positionInfo(p, marketOf(p.market)!, args.prices![i]!)
        }),
      )
    }
    default:
      throw new Revert('0x')
  }
}

export async function startLocalGmxRpc(state: LocalGmxState): Promise<LocalGmxRpc> {
  const values = dataStoreValues(state)
  return startLocalEvmNode({
    chainId: state.chainId,
    blockNumber: state.blockNumber,
    contracts: [state.reader, state.dataStore, state.referralStorage],
    describeCall: ({ to, data }) => (same(to, state.reader) ? reader.parseTransaction({ data })?.name : same(to, state.dataStore) ? 'getUint' : undefined),
    call({ to, data }) {
      if (same(to, state.reader)) return callReader(state, data)
      if (same(to, state.dataStore)) {
        const call = dataStore.parseTransaction({ data })
        if (!call) throw new Revert('0x')
        const { key } = z.object({ key: z.string() }).parse(callArguments(call.fragment, call.args))
        return coder.encode(['uint256'], [values.get(key.toLowerCase()) ?? 0n])
      }
      throw new Revert('0x')
    },
  })
}
