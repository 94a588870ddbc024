// A local JSON-RPC node for tests and the end-to-end run (the shared ../../local-evm-node.ts) holding one Comet market
// (state.ts): eth_call to the Comet address is dispatched on the 4-byte selector, its arguments decoded and its answer
// ABI-encoded with ethers through the real Comet ABI fragment (../abi.ts), and computed by local/comet-contract.ts, an
// implementation of Comet.sol independent of the connector's ../margin.ts. The market's tokens answer symbol(), and
// its price feeds hold code. Tests can move a price feed.
import { AbiCoder, Interface } from 'ethers'
import { z } from 'zod'
import { address, callArguments } from '../../evm-abi.js'
import { Revert, startLocalEvmNode, type LocalEvmNode } from '../../local-evm-node.js'
import { COMET_ABI, ERC20_METADATA_ABI } from '../abi.js'
import { CometError, LocalComet } from './comet-contract.js'
import type { LocalCometState } from './state.js'

export interface LocalCometRpc extends LocalEvmNode {
  comet: LocalComet
  /** Sets a price feed's answer (8 decimals); `getPrice` returns it from the next call on. */
  setPrice(priceFeed: string, price: bigint): void
}

const comet = new Interface(COMET_ABI)
const erc20 = new Interface(ERC20_METADATA_ABI)
const coder = AbiCoder.defaultAbiCoder()
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

function answerComet(market: LocalComet, data: string): string {
  const call = comet.parseTransaction({ data })
  // Comet's fallback delegates unknown selectors to its extension, which has no such function: a bare revert.
  if (!call) throw new Revert('0x')
  const encode = (...values: unknown[]) => comet.encodeFunctionResult(call.fragment, values)
  // The call's arguments by their names in the ABI.
  const args = z.looseObject({ account: address.optional(), asset: address.optional(), priceFeed: address.optional(), i: z.bigint().optional() }).parse(callArguments(call.fragment, call.args))
  const account = () => args.account ?? ''
  const now = BigInt(Math.floor(Date.now() / 1000))
  try {
    switch (call.name) {
      case 'baseToken':
        return encode(market.state.base.asset)
      case 'baseTokenPriceFeed':
        return encode(market.state.base.priceFeed)
      case 'baseScale':
        return encode(market.baseScale)
      case 'numAssets':
        return encode(market.numAssets)
      case 'getAssetInfo':
        return encode(market.getAssetInfo(Number(args.i)))
      case 'getPrice':
        return encode(market.getPrice(args.priceFeed ?? ''))
      case 'balanceOf':
        return encode(market.balanceOf(account()))
      case 'borrowBalanceOf':
        return encode(market.borrowBalanceOf(account()))
      case 'collateralBalanceOf':
        return encode(market.collateralBalanceOf(account(), args.asset ?? ''))
      case 'userBasic': {
        const u = market.userBasic(account())
        return encode(u.principal, u.baseTrackingIndex, u.baseTrackingAccrued, u.assetsIn, u._reserved)
      }
      case 'totalsBasic':
        return encode(market.totalsBasic(now))
      case 'isLiquidatable':
        return encode(market.isLiquidatable(account()))
      case 'isBorrowCollateralized':
        return encode(market.isBorrowCollateralized(account()))
      default:
        throw new Revert('0x')
    }
  } catch (error) {
    if (error instanceof CometError) throw new Revert(comet.encodeErrorResult(error.errorName, []))
    throw error
  }
}

function answerToken(symbol: string, data: string): string {
  const call = erc20.parseTransaction({ data })
  if (!call) throw new Revert('0x')
  return coder.encode(['string'], [symbol])
}

export async function startLocalCometRpc(state: LocalCometState): Promise<LocalCometRpc> {
  const market = new LocalComet(state)
  const tokens = [state.base, ...state.assets].map((t) => ({ address: t.asset, symbol: t.symbol }))
  const feeds = [state.base.priceFeed, ...state.assets.map((a) => a.priceFeed)]
  const node = await startLocalEvmNode({
    chainId: state.chainId,
    blockNumber: state.blockNumber,
    contracts: [state.comet, ...tokens.map((t) => t.address), ...feeds],
    describeCall: ({ to, data }) => (same(to, state.comet) ? comet.parseTransaction({ data })?.name : erc20.parseTransaction({ data })?.name),
    call({ to, data }) {
      if (same(to, state.comet)) return answerComet(market, data)
      const token = tokens.find((t) => same(t.address, to))
      if (token) return answerToken(token.symbol, data)
      // A price feed: the connector reads prices through Comet.getPrice, never the feed itself.
      throw new Revert('0x')
    },
  })
  return {
    ...node,
    comet: market,
    setPrice(priceFeed, price) {
      const key = Object.keys(state.prices).find((feed) => same(feed, priceFeed))
      if (!key) throw new Error(`no price feed ${priceFeed} in the local market`)
      state.prices[key] = price
    },
  }
}
