// Compound v3 connector: one account in one Comet market, every read pinned to one block through ethers 6 JSON-RPC
// (batched): the base balance (principal, balanceOf, borrowBalanceOf), every collateral asset's parameters and the
// account's balance of it, prices through Comet's getPrice, and the contract's own isLiquidatable and
// isBorrowCollateralized, which the replication of its rule (margin.ts) is checked against on every fetch.
import type { JsonRpcProvider } from 'ethers'
import { Contract } from 'ethers'
import { canonicalAsset } from '../../core/assets.js'
import { marginFigures, type Balance, type VenueSnapshot } from '../../core/domain.js'
import { InvalidInput, VenueRejected } from '../../core/errors.js'
import { assertFreshHead, createEvmProvider, evmRpcErrors, plain, readChainHead } from '../evm-rpc.js'
import type { ClientEnvironment, FetchContext, VenueConnector } from '../types.js'
import { COMET, ERC20_METADATA } from './abi.js'
import { compoundV3Descriptor, type CompoundV3Config } from './descriptor.js'
import { PRICE_SCALE, calculateCometAccount, cometFigures, isInAsset, simulateCometAbsorb, type CometAccountInput, type CometCollateral } from './margin.js'
import { fromScale } from './units.js'

const VENUE = 'compound-v3'
const rpc = evmRpcErrors(VENUE, 'is comet a Compound v3 (Comet) market on this chain?')

export interface CompoundV3Client {
  provider: JsonRpcProvider
}

function createClient(config: CompoundV3Config, env: ClientEnvironment): CompoundV3Client {
  // A venue-specific override (CROSSMARGIN_COMPOUND_V3_URL) wins over a generic one for any JSON-RPC venue.
  const url = env.urlOverrides?.[VENUE] ?? env.urlOverrides?.rpc ?? config.rpcUrl
  // Without a configured chain id the network label is nominal (nothing here depends on it).
  return { provider: createEvmProvider(url, config.chainId ?? 1, env.timeoutMs) }
}

/** A token's symbol, or null when the token does not answer one (a revert, or bytes32 as MKR's): shown by address. */
async function tokenSymbol(provider: JsonRpcProvider, token: string, blockTag: number): Promise<string | null> {
  try {
    return ERC20_METADATA.checkAnswer('symbol', await new Contract(token, ERC20_METADATA, provider).getFunction('symbol')({ blockTag }))
  } catch (error) {
    // Only the token's own refusal means "no symbol"; node trouble fails the fetch as any other read would.
    if (rpc.mapError(error, 'reading a token symbol') instanceof VenueRejected) return null
    throw error
  }
}

async function fetchAccount(client: CompoundV3Client, config: CompoundV3Config, ctx: FetchContext): Promise<VenueSnapshot> {
  const { provider } = client
  const { signal } = ctx
  const head = await readChainHead(rpc, provider, signal)
  if (config.chainId !== undefined && head.chainId !== config.chainId) {
    throw new VenueRejected(`${VENUE}: the RPC serves chain ${head.chainId}, the account is configured for chain ${config.chainId}`)
  }
  assertFreshHead(VENUE, head, ctx, config.maxBlockAgeSeconds)
  // One block for every read below: figures from different blocks would not add up, and the contract's own answers
  // would not be comparable with our replication.
  const blockTag = head.blockNumber
  const comet = new Contract(config.comet, COMET, provider)
  const call = async <F extends keyof typeof COMET.answers>(fn: F, ...args: unknown[]) => COMET.checkAnswer(fn, await comet.getFunction(fn)(...args, { blockTag }))
  const { account } = config

  const [baseToken, baseTokenPriceFeed, baseScale, numAssets, userBasic, totals, supplyBalance, borrowBalance, venueLiquidatable, venueBorrowCollateralized] = await rpc.round(
    'reading the market and the account’s base balance',
    signal,
    () =>
      Promise.all([
        call('baseToken'),
        call('baseTokenPriceFeed'),
        call('baseScale'),
        call('numAssets'),
        call('userBasic', account),
        call('totalsBasic'),
        call('balanceOf', account),
        call('borrowBalanceOf', account),
        call('isLiquidatable', account),
        call('isBorrowCollateralized', account),
      ]),
  )

  const indexes = Array.from({ length: Number(numAssets) }, (_, i) => i)
  const [assetInfos, basePrice, baseSymbol] = await rpc.round('reading the collateral assets and the base price', signal, () =>
    Promise.all([Promise.all(indexes.map((i) => call('getAssetInfo', i))), call('getPrice', baseTokenPriceFeed), tokenSymbol(provider, baseToken, blockTag)]),
  )

  const collateralBalances = await rpc.round('reading the account’s collateral balances', signal, () =>
    Promise.all(assetInfos.map((info) => call('collateralBalanceOf', account, info.asset))),
  )

  const assetsIn = Number(userBasic.assetsIn)
  const reserved = Number(userBasic._reserved)
  // Prices and symbols only of what the account holds: the contract prices only those, and a market lists up to 24.
  const held = assetInfos.map((info, i) => ({ info, balance: collateralBalances[i]! })).filter(({ info, balance }) => balance > 0n || isInAsset(assetsIn, Number(info.offset), reserved))
  const heldDetails = await rpc.round('reading the held collateral’s prices and symbols', signal, () =>
    Promise.all(held.map(async ({ info }) => ({ price: await call('getPrice', info.priceFeed), symbol: await tokenSymbol(provider, info.asset, blockTag) }))),
  )
  const heldByAsset = new Map(held.map((h, i) => [h.info.asset.toLowerCase(), { ...h, ...heldDetails[i]! }]))

  const collaterals: CometCollateral[] = assetInfos.map((info, i) => ({
    offset: Number(info.offset),
    asset: info.asset,
    scale: info.scale,
    borrowCollateralFactor: info.borrowCollateralFactor,
    liquidateCollateralFactor: info.liquidateCollateralFactor,
    liquidationFactor: info.liquidationFactor,
    price: heldByAsset.get(info.asset.toLowerCase())?.price ?? null,
    balance: collateralBalances[i]!,
  }))
  const input: CometAccountInput = {
    principal: userBasic.principal,
    assetsIn,
    reserved,
    baseScale,
    basePrice,
    baseSupplyIndex: totals.baseSupplyIndex,
    baseBorrowIndex: totals.baseBorrowIndex,
    collaterals,
  }
  const result = calculateCometAccount(input)
  const checks = {
    isLiquidatable: { venue: venueLiquidatable, replicated: result.isLiquidatable, agree: venueLiquidatable === result.isLiquidatable },
    isBorrowCollateralized: { venue: venueBorrowCollateralized, replicated: result.isBorrowCollateralized, agree: venueBorrowCollateralized === result.isBorrowCollateralized },
  }
  if (!checks.isLiquidatable.agree || !checks.isBorrowCollateralized.agree) {
    ctx.logger.warn({ venue: VENUE, blockNumber: blockTag, checks }, 'compound-v3: the contract’s own collateral checks differ from our replication')
  }

  // The contract's balances valued at its prices as Comet values them (mulPrice, rounded down).
  const currency = config.priceCurrency
  const inUsd = currency === 'USD'
  const price = (v: bigint) => fromScale(v, PRICE_SCALE)
  const baseName = baseSymbol ?? baseToken
  const baseFlags = baseSymbol === null ? ['unknown-symbol'] : []
  const baseValue = (amount: bigint) => (amount * basePrice) / baseScale
  const balances: Balance[] = []
  if (supplyBalance > 0n) {
    // Supplied base earns interest but does not back a borrow (an account either supplies or borrows the base).
    balances.push({
      asset: baseName, canonicalAsset: canonicalAsset(baseName).factor, kind: 'collateral', amount: fromScale(supplyBalance, baseScale),
      priceUsd: inUsd ? price(basePrice) : null, valueUsd: inUsd ? price(baseValue(supplyBalance)) : null, usableAsCollateral: false,
      flags: [...baseFlags, 'base-supply'], raw: { asset: baseToken, balanceOf: supplyBalance.toString(), principal: userBasic.principal.toString() },
    })
  }
  if (borrowBalance > 0n) {
    balances.push({
      asset: baseName, canonicalAsset: canonicalAsset(baseName).factor, kind: 'debt', amount: fromScale(borrowBalance, baseScale),
      priceUsd: inUsd ? price(basePrice) : null, valueUsd: inUsd ? price(baseValue(borrowBalance)) : null, usableAsCollateral: null,
      flags: baseFlags, raw: { asset: baseToken, borrowBalanceOf: borrowBalance.toString(), principal: userBasic.principal.toString() },
    })
  }
  let reportedCollateral = 0n
  for (const h of heldByAsset.values()) {
    if (h.balance === 0n) continue
    const name = h.symbol ?? h.info.asset
    const value = (h.balance * h.price) / h.info.scale
    reportedCollateral += value
    const flags = h.symbol === null ? ['unknown-symbol'] : []
    // Counts against liquidation but backs no new borrow.
    if (h.info.borrowCollateralFactor === 0n) flags.push('borrow-factor-zero')
    balances.push({
      asset: name, canonicalAsset: canonicalAsset(name).factor, kind: 'collateral', amount: fromScale(h.balance, h.info.scale),
      priceUsd: inUsd ? price(h.price) : null, valueUsd: inUsd ? price(value) : null, usableAsCollateral: true, flags,
      raw: { asset: h.info.asset, collateralBalanceOf: h.balance.toString(), assetInfo: plain(h.info), price: h.price.toString() },
    })
  }
  const reportedDebt = baseValue(borrowBalance)

  // What absorb would do at this block: it accrues interest first, so it starts from the accrued balance.
  const absorbed = simulateCometAbsorb(input, supplyBalance > 0n ? supplyBalance : -borrowBalance)
  const absorb = {
    liquidatable: absorbed.liquidatable,
    seized: absorbed.seized.map((c) => {
      const h = heldByAsset.get(c.asset.toLowerCase())!
      return { asset: h.symbol ?? c.asset, amount: fromScale(c.amount, h.info.scale), value: price(c.value), credited: price(c.credited) }
    }),
    credited: fromScale(absorbed.creditedBase, baseScale),
    baseBalanceBefore: fromScale(absorbed.balanceBefore, baseScale),
    baseBalanceAfter: fromScale(absorbed.balanceAfter, baseScale),
    coveredByReserves: fromScale(absorbed.coveredByReserves, baseScale),
    penalty: price(absorbed.penaltyValue),
  }

  const ratio = (v: bigint) => fromScale(v, 10n ** 18n)
  const liquidationPrices = result.collaterals.map((c) => ({
    asset: heldByAsset.get(c.asset.toLowerCase())?.symbol ?? c.asset,
    price: c.liquidationPrice === null ? null : price(c.liquidationPrice),
  }))
  return {
    asOf: new Date(head.blockTimestamp * 1000),
    blockNumber: BigInt(blockTag),
    positions: [],
    balances,
    margin: {
      // What the contract states itself: its balances (interest accrued to this block) valued at its own prices.
      // It reports no health figure; its verdicts are in details.checks.
      reported: marginFigures(currency, {
        totalCollateral: price(reportedCollateral),
        totalDebt: price(reportedDebt),
        equity: price(reportedCollateral + baseValue(supplyBalance) - reportedDebt),
      }),
      // The rule as isLiquidatable computes it: the principal at the market's stored indices (last accrual).
      replicated: cometFigures(result, currency),
      details: {
        blockNumber: blockTag,
        comet: config.comet,
        baseToken,
        currency,
        checks,
        borrowCapacity: price(result.borrowCapacity),
        liquidationCapacity: price(result.liquidationCapacity),
        // Comet's liquidity under each factor: ≥ 0 may borrow, < 0 liquidatable.
        borrowLiquidity: price(result.borrowLiquidity),
        liquidationMargin: price(result.liquidationLiquidity),
        availableToBorrow: fromScale(result.availableToBorrowBase, baseScale),
        liquidationPrices,
        // Comet.absorb now: every collateral seized, credited at its liquidationFactor; the penalty is what it costs.
        absorb,
        // Each held collateral's borrow and liquidate collateral factors as the risk engine's lending rule weighs them
        // (api/rule-params.ts); supplied base is never collateral.
        collateralFactors: [
          ...(supplyBalance > 0n ? [{ asset: baseName, ltv: '0', liquidationThreshold: '0' }] : []),
          ...[...heldByAsset.values()].filter((h) => h.balance > 0n).map((h) => ({ asset: h.symbol ?? h.info.asset, ltv: ratio(h.info.borrowCollateralFactor), liquidationThreshold: ratio(h.info.liquidateCollateralFactor) })),
        ],
        indices: { baseSupplyIndex: totals.baseSupplyIndex.toString(), baseBorrowIndex: totals.baseBorrowIndex.toString(), lastAccrualTime: Number(totals.lastAccrualTime) },
        assets: result.collaterals.map((c) => {
          const info = heldByAsset.get(c.asset.toLowerCase())!.info
          return {
            asset: c.asset, offset: c.offset, value: price(c.value), borrowValue: price(c.borrowValue), liquidationValue: price(c.liquidationValue),
            borrowCollateralFactor: ratio(info.borrowCollateralFactor), liquidateCollateralFactor: ratio(info.liquidateCollateralFactor),
            liquidationFactor: ratio(info.liquidationFactor), supplyCap: fromScale(info.supplyCap, info.scale),
            liquidationPrice: c.liquidationPrice === null ? null : price(c.liquidationPrice),
          }
        }),
      },
    },
    raw: plain({
      blockNumber: blockTag,
      blockTimestamp: head.blockTimestamp,
      chainId: head.chainId,
      comet: config.comet,
      account,
      baseToken,
      baseTokenPriceFeed,
      baseScale,
      basePrice,
      numAssets,
      userBasic: { principal: userBasic.principal, assetsIn: userBasic.assetsIn, _reserved: userBasic._reserved },
      totalsBasic: totals,
      balanceOf: supplyBalance,
      borrowBalanceOf: borrowBalance,
      isLiquidatable: venueLiquidatable,
      isBorrowCollateralized: venueBorrowCollateralized,
      assets: assetInfos.map((info, i) => ({ ...info, collateralBalanceOf: collateralBalances[i]!, price: heldByAsset.get(info.asset.toLowerCase())?.price ?? null })),
    }),
  }
}

/**
 * Before an account is stored: the RPC serves the configured chain, and a Comet market answers at `comet` (it has
 * code and answers baseToken()). Each failure names its config key.
 */
async function verifyAccount(client: CompoundV3Client, config: CompoundV3Config, ctx: FetchContext) {
  const { provider } = client
  if (config.chainId !== undefined) {
    const chainId = Number(await rpc.round('reading the chain id', ctx.signal, (): Promise<unknown> => provider.send('eth_chainId', [])))
    if (chainId !== config.chainId) throw new InvalidInput('chainId', `is ${config.chainId}, but the RPC at rpcUrl serves chain ${chainId}`)
  }
  const code = await rpc.round('reading the Comet contract’s code', ctx.signal, () => provider.getCode(config.comet))
  if (code === '0x') throw new InvalidInput('comet', `no contract at ${config.comet}${config.chainId !== undefined ? ` on chain ${config.chainId}` : ''}`)
  try {
    await rpc.round('asking the contract for its base token', ctx.signal, () => new Contract(config.comet, COMET, provider).getFunction('baseToken')())
  } catch (error) {
    // A revert or an undecodable answer: whatever is at that address is not a Comet market.
    if (error instanceof VenueRejected) throw new InvalidInput('comet', `the contract at ${config.comet} does not answer baseToken() as a Compound v3 market (${error.message})`)
    throw error
  }
  return { warnings: [] }
}

export const compoundV3Connector: VenueConnector<CompoundV3Config, CompoundV3Client> = {
  descriptor: compoundV3Descriptor,
  createClient,
  fetchAccount,
  verifyAccount,
  closeClient: (client) => client.provider.destroy(),
}
