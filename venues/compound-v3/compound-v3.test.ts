// Compound v3 against a local Ethereum node holding cUSDCv3 (local/rpc-server.ts over the market documented in
// local/state.ts). The contract's isLiquidatable / isBorrowCollateralized answers come from local/comet-contract.ts,
// written from Comet.sol independently of margin.ts; expected figures are closed forms from the state's numbers.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { Decimal } from '../../core/decimal.js'
import { silentLogger } from '../../core/logger.js'
import type { VenueSnapshot } from '../../core/domain.js'
import { verifyAccount } from '../../indexer/verify-account.js'
import { describeConnectorConformance } from '../../test/support/connector-conformance.js'
import { startFaultProxy, type FaultProxy } from '../../test/support/fault-proxy.js'
import { compoundV3Connector } from './connector.js'
import { compoundV3Descriptor } from './descriptor.js'
import { startLocalCometRpc, type LocalCometRpc } from './local/rpc-server.js'
import { BORROWER, COMET, EDGE, FEEDS, PRICES, SUPPLIER, TOKENS, UNDERWATER, testState } from './local/state.js'

const d = (x: string | number) => new Decimal(x)
const env = (timeoutMs = 5_000) => ({ secret: () => undefined, timeoutMs, logger: silentLogger() })
const ctx = () => ({ signal: AbortSignal.timeout(10_000), logger: silentLogger(), now: () => new Date() })

interface Details {
  checks: Record<'isLiquidatable' | 'isBorrowCollateralized', { venue: boolean; replicated: boolean; agree: boolean }>
  liquidationPrices: { asset: string; price: string | null }[]
  borrowCapacity: string
  liquidationMargin: string
  availableToBorrow: string
  collateralFactors: { asset: string; ltv: string; liquidationThreshold: string }[]
  absorb: { liquidatable: boolean; seized: { asset: string; amount: string; value: string; credited: string }[]; credited: string; baseBalanceBefore: string; baseBalanceAfter: string; coveredByReserves: string; penalty: string }
}
const details = (s: VenueSnapshot) => s.margin.details as Details

describe('Compound v3 connector, local cUSDCv3 node', () => {
  let rpc: LocalCometRpc
  beforeAll(async () => {
    rpc = await startLocalCometRpc(testState())
  })
  afterAll(async () => rpc?.close())

  const configFor = (account: string, extra: Record<string, unknown> = {}) => compoundV3Descriptor.configSchema.parse({ rpcUrl: rpc.url, comet: COMET, account, chainId: 1, ...extra })
  async function withClient<T>(account: string, run: (client: ReturnType<typeof compoundV3Connector.createClient>, config: ReturnType<typeof configFor>) => Promise<T>, extra: Record<string, unknown> = {}) {
    const config = configFor(account, extra)
    const client = compoundV3Connector.createClient(config, env())
    try {
      return await run(client, config)
    } finally {
      await compoundV3Connector.closeClient!(client)
    }
  }
  const fetchSnapshot = (account: string, extra: Record<string, unknown> = {}) => withClient(account, (client, config) => compoundV3Connector.fetchAccount(client, config, ctx()), extra)
  const verify = (account: string, extra: Record<string, unknown> = {}) => withClient(account, (client, config) => compoundV3Connector.verifyAccount!(client, config, ctx()), extra)
  async function withWethPrice<T>(price: bigint, run: () => Promise<T>): Promise<T> {
    rpc.setPrice(FEEDS.WETH, price)
    try {
      return await run()
    } finally {
      rpc.setPrice(FEEDS.WETH, PRICES.WETH)
    }
  }

  test('every contract read is pinned to the block the fetch started from', async () => {
    const from = rpc.calls.length
    const s = await fetchSnapshot(BORROWER)
    expect(s.blockNumber).toBe(22_500_000n)
    const calls = rpc.calls.slice(from).filter((c) => c.method === 'eth_call')
    // Market, account, 5 asset infos, base price, 5 collateral balances, 2 held prices, 3 symbols.
    expect(calls.map((c) => c.fn)).toEqual(expect.arrayContaining(['userBasic', 'totalsBasic', 'isLiquidatable', 'isBorrowCollateralized', 'getAssetInfo', 'collateralBalanceOf', 'getPrice', 'symbol']))
    expect(new Set(calls.map((c) => c.blockTag))).toEqual(new Set([`0x${(22_500_000).toString(16)}`]))
    // Only the two held assets and the base are priced.
    expect(calls.filter((c) => c.fn === 'getPrice')).toHaveLength(3)
  })

  test('collateral and debt are separate balances at the contract’s prices', async () => {
    const s = await fetchSnapshot(BORROWER)
    expect(s.positions).toEqual([])
    expect(s.balances.map((b) => [b.asset, b.canonicalAsset, b.kind, b.amount, b.priceUsd, b.valueUsd, b.flags])).toEqual([
      // borrowBalanceOf: the principal at the index accrued to this block (checked below).
      ['USDC', 'USD', 'debt', expect.stringMatching(/^3750\.0\d+$/), '1', expect.any(String), []],
      // 0.04 × 97,210.55 = 3,888.422; 1.5 × 3,150.42 = 4,725.63.
      ['WBTC', 'BTC', 'collateral', '0.04', '97210.55', '3888.422', []],
      ['WETH', 'ETH', 'collateral', '1.5', '3150.42', '4725.63', []],
    ])
  })

  test('our replication reads the principal at the stored index; the contract’s balance carries the interest since', async () => {
    const s = await fetchSnapshot(BORROWER)
    const { reported, replicated } = s.margin
    // −3,000 principal × stored borrow index 1.25 = 3,750.
    expect(replicated.totalDebt).toBe('3750')
    // cUSDCv3's rate model (configuration.json): utilization 450 M / 540 M = 5/6 is above the 0.8 kink, so the yearly
    // borrow rate is 0.015 + 0.035 × 0.8 + 0.25 × (5/6 − 0.8) = 0.0513333…; over the 3,600 s since the last accrual
    // 3,750 grows by 3,750 × 0.0513333 × 3,600 / 31,536,000 ≈ 0.021975 (per-second rates are rounded down on chain).
    const interest = d(3750).mul(d('0.015').plus(d('0.035').mul('0.8')).plus(d('0.25').mul(d(5).div(6).minus('0.8')))).mul(3600).div(31_536_000)
    expect(d(reported.totalDebt!).minus(replicated.totalDebt!).minus(interest).abs().toNumber()).toBeLessThan(2e-6)
    expect(reported.totalCollateral).toBe(replicated.totalCollateral)
    expect(replicated.totalCollateral).toBe('8614.052')
  })

  test('the borrower’s health, capacity and liquidation price are the closed forms', async () => {
    const s = await fetchSnapshot(BORROWER)
    // Liquidation capacity 4,725.63 × 0.895 + 3,888.422 × 0.77 = 4,229.43885 + 2,994.08494 = 7,223.52379.
    expect(s.margin.replicated.healthFactor).toBe(d('7223.52379').div(3750).toDecimalPlaces(18, Decimal.ROUND_DOWN).toFixed())
    // Borrow capacity 4,725.63 × 0.825 + 3,888.422 × 0.70 = 6,620.54015; less the 3,750 debt.
    expect(details(s)).toMatchObject({ borrowCapacity: '6620.54015', liquidationMargin: '3473.52379', availableToBorrow: '2870.54015' })
    expect(s.margin.replicated.availableBorrows).toBe('2870.54015')
    // The factors the risk engine weighs the collateral with: the market's own, as above.
    expect(details(s).collateralFactors).toEqual(expect.arrayContaining([
      { asset: 'WETH', ltv: '0.825', liquidationThreshold: '0.895' },
      { asset: 'WBTC', ltv: '0.7', liquidationThreshold: '0.77' },
    ]))
    expect(details(s).collateralFactors).toHaveLength(2)
    // WETH alone: (3,750 − 2,994.08494) / (1.5 × 0.895) = 563.0652216…, the first safe 8-decimal tick above it.
    // WBTC: WETH's 4,229.44 covers the debt by itself, so no WBTC price liquidates the account.
    const wethPrice = d('3750').minus('2994.08494').div(d('1.5').mul('0.895')).toDecimalPlaces(8, Decimal.ROUND_UP)
    expect(details(s).liquidationPrices).toEqual([
      { asset: 'WBTC', price: null },
      { asset: 'WETH', price: wethPrice.toFixed() },
    ])
  })

  test('the contract’s own checks and ours agree: healthy, underwater, supplier', async () => {
    const healthy = details(await fetchSnapshot(BORROWER)).checks
    expect(healthy).toEqual({ isLiquidatable: { venue: false, replicated: false, agree: true }, isBorrowCollateralized: { venue: true, replicated: true, agree: true } })
    // 0.5 WETH × 3,150.42 × 0.895 + 20 COMP × 45.67 × 0.70 = 2,049.19 < 2,000 × 1.25 = 2,500 of debt.
    const underwater = await fetchSnapshot(UNDERWATER)
    expect(details(underwater).checks).toEqual({ isLiquidatable: { venue: true, replicated: true, agree: true }, isBorrowCollateralized: { venue: false, replicated: false, agree: true } })
    expect(d(underwater.margin.replicated.healthFactor!).lt(1)).toBe(true)
    const supplier = await fetchSnapshot(SUPPLIER)
    expect(details(supplier).checks.isLiquidatable).toEqual({ venue: false, replicated: false, agree: true })
    expect(supplier.balances.map((b) => [b.asset, b.kind, b.usableAsCollateral, b.flags])).toEqual([
      ['USDC', 'collateral', false, ['base-supply']],
      ['UNI', 'collateral', true, []],
    ])
    expect(supplier.margin.replicated).toMatchObject({ totalDebt: '0', healthFactor: null, totalCollateral: '98.1' })
  })

  test('absorb now: the underwater account loses all its collateral at the liquidation factors, the reserves cover the rest', async () => {
    const s = await fetchSnapshot(UNDERWATER)
    const absorb = details(s).absorb
    // COMP (0.93): 20 × 45.67 = 913.4 → 849.462; WETH (0.95): 0.5 × 3,150.42 = 1,575.21 → 1,496.4495 (local/state.ts).
    expect(absorb).toMatchObject({
      liquidatable: true,
      seized: [
        { asset: 'COMP', amount: '20', value: '913.4', credited: '849.462' },
        { asset: 'WETH', amount: '0.5', value: '1575.21', credited: '1496.4495' },
      ],
      credited: '2345.9115',
      baseBalanceAfter: '0',
      penalty: '142.6985',
    })
    // It starts from the debt accrued to the block (borrowBalanceOf, the debt balance), about 2,000 × 1.25.
    const debt = s.balances.find((b) => b.kind === 'debt')!.amount
    expect(absorb.baseBalanceBefore).toBe(d(debt).neg().toFixed())
    expect(absorb.coveredByReserves).toBe(d(debt).minus('2345.9115').toFixed())
    // A healthy borrower would not be absorbed; the figures say what absorbing would cost.
    expect(details(await fetchSnapshot(BORROWER)).absorb.liquidatable).toBe(false)
  })

  test('at the liquidation price the contract and we both say safe; one tick lower both say liquidatable', async () => {
    // EDGE: 1 WETH against 1,790 USDC of debt; 1,790 / 0.895 = 2,000 (local/state.ts).
    const at = await withWethPrice(2000n * 10n ** 8n, () => fetchSnapshot(EDGE))
    expect(details(at).checks.isLiquidatable).toEqual({ venue: false, replicated: false, agree: true })
    expect(details(at).liquidationPrices).toEqual([{ asset: 'WETH', price: '2000' }])
    expect(at.margin.replicated.healthFactor).toBe('1')
    const below = await withWethPrice(2000n * 10n ** 8n - 1n, () => fetchSnapshot(EDGE))
    expect(details(below).checks.isLiquidatable).toEqual({ venue: true, replicated: true, agree: true })
  })

  test('at the borrow limit the contract and we both allow borrowing; one tick lower both refuse', async () => {
    // 1,790 / 0.825 = 2,169.696969… → 2,169.69696970 is the lowest 8-decimal price that still covers the debt.
    const at = await withWethPrice(216_969_696_970n, () => fetchSnapshot(EDGE))
    expect(details(at).checks.isBorrowCollateralized).toEqual({ venue: true, replicated: true, agree: true })
    expect(details(at).availableToBorrow).toBe('0')
    const below = await withWethPrice(216_969_696_969n, () => fetchSnapshot(EDGE))
    expect(details(below).checks.isBorrowCollateralized).toEqual({ venue: false, replicated: false, agree: true })
  })

  test('an account with nothing in the market is an empty snapshot, not an error', async () => {
    const s = await fetchSnapshot('0x0000000000000000000000000000000000000abc')
    expect(s.balances).toEqual([])
    expect(s.margin.replicated).toMatchObject({ totalCollateral: '0', totalDebt: '0', equity: '0', healthFactor: null, ltv: null })
  })

  test('a market priced in ETH shows its figures in ETH and no USD price', async () => {
    const s = await fetchSnapshot(BORROWER, { priceCurrency: 'ETH' })
    expect(s.margin.replicated.currency).toBe('ETH')
    expect(s.balances.every((b) => b.priceUsd === null && b.valueUsd === null)).toBe(true)
  })

  test('a token that does not answer symbol() is shown by address and flagged', async () => {
    rpc.setCode(TOKENS.WBTC, null)
    try {
      const s = await fetchSnapshot(BORROWER)
      expect(s.balances.find((b) => b.asset === TOKENS.WBTC)).toMatchObject({ kind: 'collateral', amount: '0.04', flags: ['unknown-symbol'] })
    } finally {
      rpc.setCode(TOKENS.WBTC, '0x6080')
    }
  })

  test('a latest block older than maxBlockAgeSeconds (default 600) is VenueUnavailable', async () => {
    rpc.setBlockAgeSeconds(700)
    try {
      await expect(fetchSnapshot(BORROWER)).rejects.toMatchObject({ code: 'VENUE_UNAVAILABLE', message: expect.stringMatching(/^compound-v3: the RPC's latest block 22500000 is 70\d s old \(maxBlockAgeSeconds 600\)/) })
      await expect(fetchSnapshot(BORROWER, { maxBlockAgeSeconds: 900 })).resolves.toBeTruthy()
    } finally {
      rpc.setBlockAgeSeconds(2)
    }
  })

  test('an RPC serving another chain is refused on fetch, and named as the chainId key on verify', async () => {
    rpc.setChainId(8453)
    try {
      await expect(fetchSnapshot(BORROWER)).rejects.toMatchObject({ code: 'VENUE_REJECTED', message: expect.stringMatching(/serves chain 8453, the account is configured for chain 1/) })
      await expect(verify(BORROWER)).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'chainId' })
    } finally {
      rpc.setChainId(1)
    }
  })

  test('verify passes for the Comet market', async () => {
    await expect(verify(BORROWER)).resolves.toEqual({ warnings: [] })
    await expect(verify(BORROWER, { chainId: undefined })).resolves.toEqual({ warnings: [] })
  })

  test('verify names comet when no contract is there', async () => {
    const nowhere = '0x9999999999999999999999999999999999999999'
    await expect(verify(BORROWER, { comet: nowhere })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'comet', detail: `no contract at ${nowhere} on chain 1` })
  })

  test('verify names comet when the contract there does not answer baseToken()', async () => {
    // USDC is a contract, but not a Comet market.
    await expect(verify(BORROWER, { comet: TOKENS.USDC })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'comet', detail: expect.stringMatching(/does not answer baseToken\(\) as a Compound v3 market/) })
  })

  test('through the account verifier, a wrong comet stops the add with config.comet named', async () => {
    const config = configFor(BORROWER, { comet: TOKENS.USDC })
    const deps = { venues: { 'compound-v3': compoundV3Connector }, clientEnv: env(), timeoutMs: 10_000, logger: silentLogger() }
    await expect(verifyAccount(deps, { venue: 'compound-v3', label: 'comet', config })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'config.comet' })
  })
})

let rpcBehindProxy: LocalCometRpc
let proxy: FaultProxy
describeConnectorConformance('compound-v3', {
  connector: compoundV3Connector,
  async start() {
    rpcBehindProxy = await startLocalCometRpc(testState())
    proxy = await startFaultProxy(rpcBehindProxy.url)
    return { config: { rpcUrl: `${proxy.url}/?apikey=secret-key-456`, comet: COMET, account: BORROWER, chainId: 1 }, env: env(1_000) }
  },
  setFault: (fault) => proxy.setFault(fault),
  async stop() {
    await proxy?.close()
    await rpcBehindProxy?.close()
  },
  secrets: ['secret-key-456'],
  invalidConfig: { config: { rpcUrl: 'http://127.0.0.1:8545', comet: 'cUSDCv3', account: BORROWER }, key: 'comet' },
})
