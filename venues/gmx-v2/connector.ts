// GMX v2 connector: the account's positions through the Reader (getAccountPositionInfoList, pinned to one block),
// priced with the oracle tickers of GMX's API, the margin parameters from the DataStore, mapped to positions,
// collateral, pending fees and claimable funding, with the Reader's own P&L, impact and fees beside our replication.
import { Contract, ZeroAddress, type JsonRpcProvider } from 'ethers'
import { canonicalAsset } from '../../core/assets.js'
import { Decimal } from '../../core/decimal.js'
import { marginFigures, type Balance, type Position, type VenueSnapshot } from '../../core/domain.js'
import { Internal, InvalidInput, VenueRejected } from '../../core/errors.js'
import type { ClientEnvironment, FetchContext, VenueConnector } from '../types.js'
import { DATA_STORE, READER } from './abi.js'
import { fetchGmxApi, type GmxApiData, type GmxMarket, type GmxToken } from './api.js'
import type { GmxDeployment } from './chains.js'
import { gmxV2Descriptor, resolveDeployment, type GmxV2Config } from './descriptor.js'
import { MIN_COLLATERAL_USD_KEY, marketMarginKeys, positionKey } from './keys.js'
import { calculateGmxAccount, calculateGmxPosition, gmxFigures, pnlPrice, type GmxMarketParams, type GmxPositionInput, type GmxPositionMargin } from './margin.js'
import type { MarketPricesArg, PositionInfo, PositionProps } from './reader-types.js'
import { assertFreshHead, createEvmProvider, evmRpcErrors, plain, readChainHead } from '../evm-rpc.js'
import { applyFactor, fixed, tokenPrice, usd } from './units.js'

const VENUE = 'gmx-v2'
const gmxRpc = evmRpcErrors(VENUE, 'are reader and dataStore GMX v2 contracts on this chain?')
/** Positions read per account (the Reader pages with start/end; GMX's own interface reads the first 1000 too). */
const MAX_POSITIONS = 1000n

export interface GmxV2Client {
  provider: JsonRpcProvider
  deployment: GmxDeployment
  apiUrl: string
  timeoutMs: number
}

function createClient(config: GmxV2Config, env: ClientEnvironment): GmxV2Client {
  const deployment = resolveDeployment(config)
  // CROSSMARGIN_GMX_V2_URL (urlOverrides['gmx-v2']) replaces the RPC, as for every chain venue; the API has its own.
  const rpcUrl = env.urlOverrides?.[VENUE] ?? env.urlOverrides?.rpc ?? config.rpcUrl
  const apiUrl = (env.urlOverrides?.[`${VENUE}-api`] ?? deployment.apiUrl).replace(/\/$/, '')
  return { provider: createEvmProvider(rpcUrl, deployment.chainId, env.timeoutMs), deployment, apiUrl, timeoutMs: env.timeoutMs }
}

/** A market as the account's positions need it: its tokens, and the prices and decimals to value them (when known). */
interface MarketContext {
  market: GmxMarket
  /** In the API's market list; otherwise read from the DataStore and flagged. */
  listed: boolean
  prices: MarketPricesArg | null
  tokens: { index: GmxToken; long: GmxToken; short: GmxToken } | null
}

function marketContext(market: GmxMarket, listed: boolean, api: GmxApiData): MarketContext {
  const price = (token: string) => {
    const ticker = api.tickers.get(token.toLowerCase())
    return ticker ? { min: ticker.min, max: ticker.max } : null
  }
  const token = (address: string) => api.tokens.get(address.toLowerCase()) ?? null
  const [indexTokenPrice, longTokenPrice, shortTokenPrice] = [price(market.indexToken), price(market.longToken), price(market.shortToken)]
  const [index, long, short] = [token(market.indexToken), token(market.longToken), token(market.shortToken)]
  return {
    market,
    listed,
    prices: indexTokenPrice && longTokenPrice && shortTokenPrice ? { indexTokenPrice, longTokenPrice, shortTokenPrice } : null,
    tokens: index && long && short ? { index, long, short } : null,
  }
}

type UsableMarket = MarketContext & { prices: MarketPricesArg; tokens: NonNullable<MarketContext['tokens']> }

/** Priced and with known decimals: the Reader can value it and we can read its answer. */
function usable(context: MarketContext | undefined): context is UsableMarket {
  return context !== undefined && context.prices !== null && context.tokens !== null
}

async function readHead(client: GmxV2Client, config: GmxV2Config, ctx: FetchContext) {
  const head = await readChainHead(gmxRpc, client.provider, ctx.signal)
  if (head.chainId !== client.deployment.chainId) {
    throw new VenueRejected(`${VENUE}: the RPC serves chain ${head.chainId}, the account is on ${config.chain} (${client.deployment.chainId})`)
  }
  assertFreshHead(VENUE, head, ctx, config.maxBlockAgeSeconds)
  return head
}

async function fetchAccount(client: GmxV2Client, config: GmxV2Config, ctx: FetchContext): Promise<VenueSnapshot> {
  const { deployment } = client
  const { signal } = ctx
  const [head, api] = await Promise.all([readHead(client, config, ctx), fetchGmxApi(client.apiUrl, { timeoutMs: client.timeoutMs, signal })])
  const blockTag = head.blockNumber
  const reader = new Contract(deployment.reader, READER, client.provider)
  const dataStore = new Contract(deployment.dataStore, DATA_STORE, client.provider)

  const rawPositions = READER.checkAnswer(
    'getAccountPositions',
    await gmxRpc.round('reading the account’s positions (Reader.getAccountPositions)', signal, () => reader.getFunction('getAccountPositions')(deployment.dataStore, config.account, 0n, MAX_POSITIONS, { blockTag })),
  )

  // Markets the API does not list (new, or delisted from the list) are read from the chain, so their positions stay.
  const positionMarkets = [...new Set(rawPositions.map((p) => p.addresses.market.toLowerCase()))]
  const unlisted = positionMarkets.filter((m) => !api.markets.has(m))
  const onChainMarkets = await gmxRpc.round('reading unlisted markets (Reader.getMarket)', signal, () =>
    Promise.all(unlisted.map(async (m) => READER.checkAnswer('getMarket', await reader.getFunction('getMarket')(deployment.dataStore, m, { blockTag })))),
  )
  const contexts = new Map<string, MarketContext>()
  for (const m of positionMarkets) {
    const listed = api.markets.get(m)
    if (listed) contexts.set(m, marketContext(listed, true, api))
  }
  unlisted.forEach((m, i) => {
    const props = onChainMarkets[i]!
    if (props.marketToken === ZeroAddress) return
    contexts.set(m, marketContext({ name: props.marketToken, marketToken: props.marketToken, indexToken: props.indexToken, longToken: props.longToken, shortToken: props.shortToken }, false, api))
  })

  const valued = rawPositions.filter((p) => usable(contexts.get(p.addresses.market.toLowerCase())))
  const valuedMarkets = positionMarkets.filter((m) => usable(contexts.get(m)))
  const [infos, params] = await gmxRpc.round('reading positions and margin parameters (Reader.getAccountPositionInfoList, DataStore)', signal, () =>
    Promise.all([
      readPositionInfo(reader, deployment, config.account, rawPositions, valued, contexts, blockTag),
      readMarketParams(dataStore, valuedMarkets, blockTag),
    ]),
  )

  const positions: Position[] = []
  const balances: Balance[] = []
  const details: unknown[] = []
  const replicatedRows: GmxPositionMargin[] = []
  const reported = { collateralUsd: 0n, remainingUsd: 0n, pendingFeesUsd: 0n }
  for (const info of infos) {
    const m = info.position.addresses.market.toLowerCase()
    const context = contexts.get(m)
    // Only positions in usable markets were valued.
    if (!usable(context)) throw new Internal(`${VENUE}: position info for market ${m}, which was not valued`)
    const row = valuePosition(info, context, params.byMarket.get(m)!, params.minCollateralUsd)
    positions.push(row.position)
    balances.push(...row.balances)
    details.push(row.detail)
    replicatedRows.push(row.margin)
    reported.collateralUsd += row.reported.collateralUsd
    reported.remainingUsd += row.reported.remainingUsd
    reported.pendingFeesUsd += row.reported.pendingFeesUsd
  }
  for (const raw of rawPositions.filter((p) => !valued.includes(p))) {
    const row = unvaluedPosition(raw, contexts.get(raw.addresses.market.toLowerCase()), api)
    positions.push(row.position)
    balances.push(...row.balances)
    details.push(row.detail)
  }

  const allValued = valued.length === rawPositions.length
  const account = calculateGmxAccount(replicatedRows)
  const replicated = gmxFigures(account)
  const tokensUsed = new Set([...contexts.values()].flatMap((c) => [c.market.indexToken, c.market.longToken, c.market.shortToken].map((t) => t.toLowerCase())))
  return {
    asOf: new Date(head.blockTimestamp * 1000),
    blockNumber: BigInt(head.blockNumber),
    positions,
    balances,
    margin: {
      // The Reader's own P&L, impact, fees and collateral price, combined as isPositionLiquidatable combines them.
      // A position we could not value leaves the account totals unknown rather than understated.
      reported: allValued
        ? marginFigures('USD', { totalCollateral: usd(reported.collateralUsd).toFixed(), equity: usd(reported.remainingUsd).toFixed(), totalDebt: usd(reported.pendingFeesUsd).toFixed() })
        : marginFigures('USD', {}),
      replicated: allValued ? replicated : marginFigures('USD', {}),
      details: { blockNumber: head.blockNumber, minCollateralUsd: usd(params.minCollateralUsd).toFixed(), positions: details, ...(allValued ? {} : { partialFigures: replicated }) },
    },
    raw: plain({
      chainId: head.chainId,
      blockNumber: head.blockNumber,
      blockTimestamp: head.blockTimestamp,
      addresses: { reader: deployment.reader, dataStore: deployment.dataStore, referralStorage: deployment.referralStorage, account: config.account },
      accountPositions: rawPositions,
      unlistedMarkets: onChainMarkets,
      positionInfo: infos,
      dataStore: params.raw,
      // Only the API rows the account's markets use: the full lists are ~100 kB per fetch.
      api: {
        markets: positionMarkets.map((m) => api.markets.get(m) ?? null),
        tokens: [...tokensUsed].map((t) => api.tokens.get(t) ?? { address: t, unknown: true }),
        tickers: Object.fromEntries([...tokensUsed].map((t) => [t, api.tickers.get(t) ?? null])),
      },
    }),
  }
}

/**
 * getAccountPositionInfoList when every position's market can be priced (GMX's own read); otherwise
 * getPositionInfoList for those that can, since the account-wide call reverts (EmptyMarketPrice) on any market
 * without a price.
 */
async function readPositionInfo(reader: Contract, deployment: GmxDeployment, account: string, all: PositionProps[], valued: PositionProps[], contexts: Map<string, MarketContext>, blockTag: number): Promise<PositionInfo[]> {
  if (valued.length === 0) return []
  const pricesOf = (market: string) => contexts.get(market.toLowerCase())!.prices!
  if (valued.length === all.length) {
    const markets = [...new Set(valued.map((p) => p.addresses.market))]
    return READER.checkAnswer('getAccountPositionInfoList', await reader.getFunction('getAccountPositionInfoList')(deployment.dataStore, deployment.referralStorage, account, markets, markets.map(pricesOf), ZeroAddress, 0n, MAX_POSITIONS, { blockTag }))
  }
  const keys = valued.map((p) => positionKey(p.addresses.account, p.addresses.market, p.addresses.collateralToken, p.flags.isLong))
  return READER.checkAnswer('getPositionInfoList', await reader.getFunction('getPositionInfoList')(deployment.dataStore, deployment.referralStorage, keys, valued.map((p) => pricesOf(p.addresses.market)), ZeroAddress, { blockTag }))
}

interface MarketParamsRead {
  minCollateralUsd: bigint
  byMarket: Map<string, { minCollateralFactor: bigint; minCollateralFactorForLiquidation: bigint; maxPositionImpactFactorForLiquidations: bigint }>
  raw: Record<string, unknown>
}

async function readMarketParams(dataStore: Contract, markets: string[], blockTag: number): Promise<MarketParamsRead> {
  const getUint = async (key: string) => DATA_STORE.checkAnswer('getUint', await dataStore.getFunction('getUint')(key, { blockTag }))
  const [minCollateralUsd, rows] = await Promise.all([
    getUint(MIN_COLLATERAL_USD_KEY),
    Promise.all(
      markets.map(async (market) => {
        const keys = marketMarginKeys(market)
        const [minCollateralFactor, minCollateralFactorForLiquidation, maxPositionImpactFactorForLiquidations] = await Promise.all([
          getUint(keys.minCollateralFactor),
          getUint(keys.minCollateralFactorForLiquidation),
          getUint(keys.maxPositionImpactFactorForLiquidations),
        ])
        return [market, { minCollateralFactor, minCollateralFactorForLiquidation, maxPositionImpactFactorForLiquidations }] as const
      }),
    ),
  ])
  return { minCollateralUsd, byMarket: new Map(rows), raw: { MIN_COLLATERAL_USD: minCollateralUsd, markets: Object.fromEntries(rows) } }
}

function instrument(venueSymbol: string, indexSymbol: string, settlement: string): Position['instrument'] {
  return { venueSymbol, kind: 'perpetual', underlying: canonicalAsset(indexSymbol).factor, quote: 'USD', settlement, inverse: false, contractSize: '1', expiry: null, strike: null, optionType: null }
}

/** An ETH long backed by WETH (GMX lists WETH as "ETH"): the same address, or tokens that track one asset. */
function collateralMovesWithIndex(collateral: GmxToken, index: GmxToken): boolean {
  return collateral.address.toLowerCase() === index.address.toLowerCase() || canonicalAsset(collateral.symbol).factor === canonicalAsset(index.symbol).factor
}

function valuePosition(info: PositionInfo, context: UsableMarket, marketParams: { minCollateralFactor: bigint; minCollateralFactorForLiquidation: bigint; maxPositionImpactFactorForLiquidations: bigint }, minCollateralUsd: bigint) {
  const { position, fees, executionPriceResult: impact } = info
  const { numbers, addresses } = position
  const isLong = position.flags.isLong
  const { market, tokens } = context
  const collateralIsLong = addresses.collateralToken.toLowerCase() === market.longToken.toLowerCase()
  const collateralToken = collateralIsLong ? tokens.long : tokens.short
  const collateralTicker = collateralIsLong ? context.prices.longTokenPrice : context.prices.shortTokenPrice
  const priceRange = (p: { min: bigint; max: bigint }, decimals: number) => ({ min: tokenPrice(p.min, decimals), max: tokenPrice(p.max, decimals) })
  const params: GmxMarketParams = {
    minCollateralFactor: usd(marketParams.minCollateralFactor),
    minCollateralFactorForLiquidation: usd(marketParams.minCollateralFactorForLiquidation),
    maxPositionImpactFactorForLiquidations: usd(marketParams.maxPositionImpactFactorForLiquidations),
    minCollateralUsd: usd(minCollateralUsd),
  }
  // Fee amounts are in collateral tokens at the Reader's collateral price: amount × price is the USD the contract counts.
  const readerCollateralPrice = fees.collateralTokenPrice.min
  const closingFeeAmount = fees.positionFeeAmount + fees.ui.uiFeeAmount - fees.totalDiscountAmount
  const input: GmxPositionInput = {
    isLong,
    sizeInUsd: usd(numbers.sizeInUsd),
    sizeInTokens: fixed(numbers.sizeInTokens, tokens.index.decimals),
    collateralAmount: fixed(numbers.collateralAmount, collateralToken.decimals),
    pendingImpactAmount: fixed(numbers.pendingImpactAmount, tokens.index.decimals),
    collateralMovesWithIndex: collateralMovesWithIndex(collateralToken, tokens.index),
    indexPrice: priceRange(context.prices.indexTokenPrice, tokens.index.decimals),
    collateralPrice: priceRange(collateralTicker, collateralToken.decimals),
    closingPriceImpactUsd: usd(impact.priceImpactUsd),
    closingFeeUsd: usd(closingFeeAmount * readerCollateralPrice),
    borrowingFeeUsd: usd(fees.borrowing.borrowingFeeAmount * readerCollateralPrice),
    fundingFeeAmount: fixed(fees.funding.fundingFeeAmount, collateralToken.decimals),
    params,
  }
  const margin = calculateGmxPosition(input)

  // The Reader's own terms combined as isPositionLiquidatable does (its closing and pending impact, capped at 0 and
  // at the liquidation floor; its collateral price; its total cost).
  const readerImpact = impact.priceImpactUsd + impact.proportionalPendingImpactUsd
  const impactFloor = -applyFactor(numbers.sizeInUsd, marketParams.maxPositionImpactFactorForLiquidations)
  const cappedImpact = readerImpact >= 0n ? 0n : readerImpact < impactFloor ? impactFloor : readerImpact
  const reportedCollateralUsd = numbers.collateralAmount * readerCollateralPrice
  const reportedRemainingUsd = reportedCollateralUsd + info.basePnlUsd + cappedImpact - fees.totalCostAmount * readerCollateralPrice
  const reportedPendingFeesUsd = (fees.borrowing.borrowingFeeAmount + fees.funding.fundingFeeAmount) * readerCollateralPrice

  const sign = isLong ? 1 : -1
  const mark = pnlPrice(input)
  // GMX's leverage (gmx-interface getLeverage): size over collateral plus P&L less pending fees.
  const leverageBase = margin.collateralUsd.plus(usd(info.basePnlUsd)).minus(margin.pendingFeesUsd)
  const key = info.positionKey
  const flags = context.listed ? [] : ['unknown-market']
  const collateralSymbol = collateralToken.symbol
  const balances: Balance[] = [
    {
      asset: collateralSymbol, canonicalAsset: canonicalAsset(collateralSymbol).factor, kind: 'collateral',
      amount: input.collateralAmount.toFixed(), priceUsd: input.collateralPrice.min.toFixed(), valueUsd: margin.collateralUsd.toFixed(),
      usableAsCollateral: true, flags, raw: { positionKey: key, market: market.marketToken, collateralToken: addresses.collateralToken, collateralAmount: numbers.collateralAmount.toString() },
    },
  ]
  const feeAmount = fees.borrowing.borrowingFeeAmount + fees.funding.fundingFeeAmount
  if (feeAmount > 0n) {
    balances.push({
      asset: collateralSymbol, canonicalAsset: canonicalAsset(collateralSymbol).factor, kind: 'debt',
      amount: fixed(feeAmount, collateralToken.decimals).toFixed(), priceUsd: input.collateralPrice.min.toFixed(), valueUsd: margin.pendingFeesUsd.toFixed(),
      usableAsCollateral: null, flags: [...flags, 'pending-fees'],
      raw: { positionKey: key, borrowingFeeAmount: fees.borrowing.borrowingFeeAmount.toString(), borrowingFeeUsd: fees.borrowing.borrowingFeeUsd.toString(), fundingFeeAmount: fees.funding.fundingFeeAmount.toString() },
    })
  }
  // Funding the position has earned and can claim: the user's, but not collateral of the position.
  for (const [amount, token] of [[fees.funding.claimableLongTokenAmount, tokens.long], [fees.funding.claimableShortTokenAmount, tokens.short]] as const) {
    if (amount === 0n) continue
    const ticker = token === tokens.long ? context.prices.longTokenPrice : context.prices.shortTokenPrice
    const value = fixed(amount, token.decimals)
    const price = tokenPrice(ticker.min, token.decimals)
    balances.push({
      asset: token.symbol, canonicalAsset: canonicalAsset(token.symbol).factor, kind: 'wallet', amount: value.toFixed(), priceUsd: price.toFixed(), valueUsd: value.mul(price).toFixed(),
      usableAsCollateral: false, flags: [...flags, 'claimable-funding'], raw: { positionKey: key, token: token.address, amount: amount.toString() },
    })
  }
  return {
    position: {
      instrument: instrument(market.name, tokens.index.symbol, collateralSymbol),
      size: input.sizeInTokens.mul(sign).toFixed(),
      entryPrice: input.sizeInTokens.gt(0) ? input.sizeInUsd.div(input.sizeInTokens).toFixed() : null,
      markPrice: mark.toFixed(),
      liquidationPrice: margin.liquidationPrice?.toFixed() ?? null,
      notional: input.sizeInTokens.mul(mark).toFixed(),
      unrealizedPnl: usd(info.basePnlUsd).toFixed(),
      leverage: leverageBase.gt(0) ? input.sizeInUsd.div(leverageBase).toDecimalPlaces(8).toFixed() : null,
      marginMode: 'isolated',
      venueInitialMargin: margin.initialMarginUsd.toFixed(),
      venueMaintenanceMargin: margin.maintenanceMarginUsd.toFixed(),
      flags,
      raw: plain({ marketName: market.name, ...positionInfoFields(info) }),
    } satisfies Position,
    balances,
    margin,
    reported: { collateralUsd: reportedCollateralUsd, remainingUsd: reportedRemainingUsd, pendingFeesUsd: reportedPendingFeesUsd },
    detail: {
      positionKey: key,
      market: market.marketToken,
      marketName: market.name,
      isLong,
      collateralToken: addresses.collateralToken,
      flags,
      params: { minCollateralFactor: params.minCollateralFactor.toFixed(), minCollateralFactorForLiquidation: params.minCollateralFactorForLiquidation.toFixed(), maxPositionImpactFactorForLiquidations: params.maxPositionImpactFactorForLiquidations.toFixed(), minCollateralUsd: params.minCollateralUsd.toFixed() },
      collateralMovesWithIndex: input.collateralMovesWithIndex,
      replicated: {
        pnlUsd: margin.pnlUsd.toFixed(), priceImpactUsd: margin.priceImpactUsd.toFixed(), costsUsd: margin.costsUsd.toFixed(),
        remainingCollateralUsd: margin.remainingCollateralUsd.toFixed(), maintenanceMarginUsd: margin.maintenanceMarginUsd.toFixed(),
        initialMarginUsd: margin.initialMarginUsd.toFixed(), liquidatable: margin.liquidatable, reason: margin.reason, liquidationPrice: margin.liquidationPrice?.toFixed() ?? null,
      },
      reported: { pnlUsd: usd(info.basePnlUsd).toFixed(), priceImpactUsd: usd(cappedImpact).toFixed(), remainingCollateralUsd: usd(reportedRemainingUsd).toFixed() },
    },
  }
}

/** The Reader's PositionInfo as a plain object (an ethers Result spreads into its indices, not its names). */
function positionInfoFields(info: PositionInfo): Record<string, unknown> {
  return { positionKey: info.positionKey, position: info.position, fees: info.fees, executionPriceResult: info.executionPriceResult, basePnlUsd: info.basePnlUsd, uncappedBasePnlUsd: info.uncappedBasePnlUsd, pnlAfterPriceImpactUsd: info.pnlAfterPriceImpactUsd }
}

/**
 * A position whose market cannot be priced (no ticker for one of its tokens) or whose market the chain does not
 * know: kept with what the position itself says, flagged, and no figure we would have to guess.
 */
function unvaluedPosition(raw: PositionProps, context: MarketContext | undefined, api: GmxApiData) {
  const { numbers, addresses } = raw
  const indexToken = context ? api.tokens.get(context.market.indexToken.toLowerCase()) : undefined
  const collateralToken = api.tokens.get(addresses.collateralToken.toLowerCase())
  const flags = [...(context?.listed ? [] : ['unknown-market']), 'unpriced']
  // Without a token's decimals an amount stays in the token's smallest units, and says so.
  if (!indexToken) flags.push('size-in-smallest-units')
  if (!collateralToken) flags.push('collateral-in-smallest-units')
  const size = indexToken ? fixed(numbers.sizeInTokens, indexToken.decimals) : new Decimal(numbers.sizeInTokens.toString())
  const collateral = collateralToken ? fixed(numbers.collateralAmount, collateralToken.decimals) : new Decimal(numbers.collateralAmount.toString())
  const collateralSymbol = collateralToken?.symbol ?? addresses.collateralToken
  const key = positionKey(addresses.account, addresses.market, addresses.collateralToken, raw.flags.isLong)
  return {
    position: {
      instrument: instrument(context?.market.name ?? addresses.market, indexToken?.symbol ?? context?.market.indexToken ?? addresses.market, collateralSymbol),
      size: size.mul(raw.flags.isLong ? 1 : -1).toFixed(),
      entryPrice: indexToken && size.gt(0) ? usd(numbers.sizeInUsd).div(size).toFixed() : null,
      markPrice: null, liquidationPrice: null, notional: null, unrealizedPnl: null, leverage: null,
      marginMode: 'isolated',
      venueInitialMargin: null, venueMaintenanceMargin: null,
      flags,
      raw: plain({ positionKey: key, position: raw }),
    } satisfies Position,
    balances: [
      {
        asset: collateralSymbol, canonicalAsset: canonicalAsset(collateralSymbol).factor, kind: 'collateral', amount: collateral.toFixed(),
        priceUsd: null, valueUsd: null, usableAsCollateral: true, flags, raw: { positionKey: key, market: addresses.market, collateralToken: addresses.collateralToken, collateralAmount: numbers.collateralAmount.toString() },
      } satisfies Balance,
    ],
    detail: { positionKey: key, market: addresses.market, isLong: raw.flags.isLong, collateralToken: addresses.collateralToken, flags },
  }
}

/**
 * Before an account is stored: the RPC serves the configured chain, and Reader, DataStore and ReferralStorage are
 * contracts there, the Reader answering as GMX v2's Reader of that DataStore. Each failure names its config key.
 */
async function verifyAccount(client: GmxV2Client, config: GmxV2Config, ctx: FetchContext) {
  const { provider, deployment } = client
  const chainId = Number(await gmxRpc.round('reading the chain id', ctx.signal, (): Promise<unknown> => provider.send('eth_chainId', [])))
  if (chainId !== deployment.chainId) throw new InvalidInput('chain', `is ${config.chain} (chain ${deployment.chainId}), but the RPC at rpcUrl serves chain ${chainId}`)
  const contracts = [
    ['reader', deployment.reader],
    ['dataStore', deployment.dataStore],
    ['referralStorage', deployment.referralStorage],
  ] as const
  const codes = await gmxRpc.round('reading the contracts’ code', ctx.signal, () => Promise.all(contracts.map(([, address]) => provider.getCode(address))))
  contracts.forEach(([key, address], i) => {
    if (codes[i] === '0x') throw new InvalidInput(key, `no contract at ${address} on ${config.chain}`)
  })
  const reader = new Contract(deployment.reader, READER, provider)
  try {
    await gmxRpc.round('asking the Reader for the account’s positions', ctx.signal, () => reader.getFunction('getAccountPositions')(deployment.dataStore, config.account, 0n, 1n))
  } catch (error) {
    // A revert or an undecodable answer: whatever is at that address is not GMX v2's Reader of that DataStore.
    if (error instanceof VenueRejected) throw new InvalidInput('reader', `the contract at ${deployment.reader} does not answer as a GMX v2 Reader of the DataStore ${deployment.dataStore} (${error.message})`)
    throw error
  }
  return { warnings: [] }
}

export const gmxV2Connector: VenueConnector<GmxV2Config, GmxV2Client> = {
  descriptor: gmxV2Descriptor,
  createClient,
  fetchAccount,
  verifyAccount,
  closeClient: (client) => client.provider.destroy(),
}
