// What a user does with every venue, end to end through GraphQL: add an account by mutation (CEX keys sealed with
// AES-256-GCM), refresh it through the real indexer, and see its positions, balances, the venue's margin figures
// beside our replication, and its exposures netted with the other venues'. Each venue runs locally: Aave v3 as the
// real contracts on anvil, GMX v2 and Compound v3 as local nodes answering through their contracts' ABIs, the others
// as replay servers of recorded or documented answers (../shared/data/venue-responses/SOURCES.md).
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, test } from '@jest/globals'
import { expect } from '../support/expect.js'
import { createTestDatabase, type TestDatabase } from '../support/databases.js'
import { startTestApi, type TestApi } from '../support/api.js'
import { readSharedJson, sharedDataPath } from '../support/shared-data.js'
import { silentLogger } from '../../core/logger.js'
import { Decimal } from '../../core/decimal.js'
import { decryptCredentials, encryptCredentials } from '../../core/credentials.js'
import { Indexer } from '../../indexer/indexer.js'
import { verifyAccount } from '../../indexer/verify-account.js'
import { venueConnectors } from '../../venues/index.js'
import { startAnvil, type LocalChain } from '../../venues/aave-v3/local/anvil.js'
import { deployAaveMarket } from '../../venues/aave-v3/local/deploy-market.js'
import { startBinanceReplay } from '../../venues/binance/local/replay.js'
import { startBybitReplay } from '../../venues/bybit/local/replay.js'
import { startOkxReplay } from '../../venues/okx/local/replay.js'
import { startDeribitReplay } from '../../venues/deribit/local/replay.js'
import { startDydxReplay } from '../../venues/dydx-v4/local/replay.js'
import { spotDocsExample, startHyperliquidReplay } from '../../venues/hyperliquid/local/replay.js'
import { startLocalGmxRpc, type LocalGmxRpc } from '../../venues/gmx-v2/local/rpc-server.js'
import { startGmxApiReplay } from '../../venues/gmx-v2/local/replay.js'
import { TRADER as gmxTrader, testState as gmxState } from '../../venues/gmx-v2/local/state.js'
import { startLocalCometRpc, type LocalCometRpc } from '../../venues/compound-v3/local/rpc-server.js'
import { BORROWER as cometBorrower, COMET, testState as cometState } from '../../venues/compound-v3/local/state.js'
import type { ReplayServer } from '../../core/replay/http-replay-server.js'
import type { ClientEnvironment } from '../../venues/types.js'

const venuesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'venues')
const dydxAddress = 'dydx14zzueazeh0hj67cghhf9jypslcf9sh2n5k6art'
const hyperliquidUser = `0x${'5e'.repeat(20)}`

interface AccountRow {
  id: string
  venue: string
  status: string
  lastError: string | null
  hasStoredCredentials: boolean
  lastSnapshot: { positions: { size: string; instrument: { underlying: string } }[]; balances: { asset: string; kind: string; amount: string }[] } | null
}
interface Comparison {
  venue: string
  reported: Record<string, string | null>
  replicated: Record<string, string | null>
  differences: { field: string; reported: string | null; replicated: string | null; difference: string | null }[]
}
interface Exposure {
  asset: string
  netUnits: string
  grossUnits: string
  byVenue: { venue: string; units: string }[]
}

describe('every venue through the API', () => {
  let chain: LocalChain
  let gmxRpc: LocalGmxRpc
  let cometRpc: LocalCometRpc
  const servers: ReplayServer[] = []
  let db: TestDatabase
  let api: TestApi
  let indexer: Indexer
  let portfolioId: string
  const accounts: { venue: string; label: string; config: Record<string, unknown>; credentials?: Record<string, string> }[] = []

  beforeAll(async () => {
    chain = await startAnvil()
    const market = await deployAaveMarket(chain.rpcUrl)
    await market.setAssetPriceUsd('WETH', '3000')
    const aaveUser = market.wallets[1]!
    await market.fundAndSupply(aaveUser, 'WETH', '2')
    await market.borrow(aaveUser, 'USDC', '1000')

    const bybitDir = path.join(venuesDir, 'bybit', 'testdata')
    const deribitDir = path.join(venuesDir, 'deribit', 'testdata')
    const okxDir = path.join(venuesDir, 'okx', 'testdata')
    const started = {
      binance: await startBinanceReplay({ fixtures: path.join(venuesDir, 'binance', 'local', 'demo-account') }),
      bybit: await startBybitReplay({
        '/v5/account/wallet-balance': sharedDataPath('venue-responses', 'bybit', 'v5-account-wallet-balance.docs-2023-07.json'),
        '/v5/position/list': sharedDataPath('venue-responses', 'bybit', 'v5-position-list.linear-XRPUSDT.docs-2023-04.json'),
        '/v5/market/risk-limit': path.join(bybitDir, 'risk-limit.XRPUSDT.json'),
      }),
      okx: await startOkxReplay({
        '/api/v5/account/balance': sharedDataPath('venue-responses', 'okx', 'http_get_account_balance.nautilus.json'),
        '/api/v5/public/position-tiers': sharedDataPath('venue-responses', 'okx', 'http_get_position_tiers.nautilus.json'),
        '/api/v5/account/positions': path.join(okxDir, 'positions.docs-format.json'),
        '/api/v5/public/instruments': path.join(okxDir, 'instruments.BTC-USDT-SWAP.json'),
      }),
      deribit: await startDeribitReplay(
        {
          'private/get_account_summaries': sharedDataPath('venue-responses', 'deribit', 'http_get_account_summaries.nautilus.json'),
          'private/get_positions': sharedDataPath('venue-responses', 'deribit', 'private-get_positions.docs-example.json'),
          'public/get_book_summary_by_currency': path.join(deribitDir, 'public-get_book_summary_by_currency.option.json'),
          // The docs' example lists BTC and ETH: the BTC account passes the currency check.
          'public/get_currencies': path.join(deribitDir, 'public-get_currencies.docs-example.json'),
        },
        // public/auth's documented answer with a read-only scope: the key check passes without a warning.
        { 'public/auth': { jsonrpc: '2.0', id: 1, result: { access_token: 'e2e', expires_in: 31536000, refresh_token: 'e2e', scope: 'account:read trade:read wallet:read', token_type: 'bearer' } } },
      ),
      'dydx-v4': await startDydxReplay({
        address: dydxAddress,
        addressResponse: readSharedJson('venue-responses', 'dydx-v4', 'v4-addresses.ccxt-fetchAccounts.json'),
        perpetualMarkets: readSharedJson('venue-responses', 'dydx-v4', 'v4-perpetualMarkets.BTC-USD.ccxt-fetchMarkets.json'),
      }),
      hyperliquid: await startHyperliquidReplay({
        clearinghouseState: sharedDataPath('venue-responses', 'hyperliquid', 'info-clearinghouseState.hl-python-sdk-cassette.json'),
        meta: sharedDataPath('venue-responses', 'hyperliquid', 'info-meta.hl-python-sdk-cassette.json'),
        spotClearinghouseState: spotDocsExample,
      }),
    }
    servers.push(...Object.values(started))
    // GMX v2: a local node answering as its Reader and DataStore, and its API replayed (venues/gmx-v2/local/).
    gmxRpc = await startLocalGmxRpc(gmxState())
    const gmxApi = await startGmxApiReplay({
      markets: sharedDataPath('venue-responses', 'gmx-v2', 'api-arbitrumMarkets.gmx-interface-sdk-fixture.json'),
      tokens: sharedDataPath('venue-responses', 'gmx-v2', 'api-arbitrumTokens.gmx-interface-sdk-fixture.json'),
      tickers: sharedDataPath('venue-responses', 'gmx-v2', 'api-arbitrumTickers.gmx-interface-sdk-fixture.json'),
    })
    servers.push(gmxApi)
    // Compound v3: a local node answering as Ethereum's cUSDCv3 Comet (venues/compound-v3/local/).
    cometRpc = await startLocalCometRpc(cometState())

    accounts.push(
      { venue: 'aave-v3', label: 'Aave', config: { rpcUrl: chain.rpcUrl, poolAddressesProvider: market.addresses.poolAddressesProvider, user: aaveUser, chainId: market.chainId } },
      { venue: 'binance', label: 'Binance', config: { market: 'usdm', apiKeyEnv: 'E2E_BINANCE_KEY', secretEnv: 'E2E_BINANCE_SECRET' }, credentials: { E2E_BINANCE_KEY: 'e2e-binance-key-1a', E2E_BINANCE_SECRET: 'e2e-binance-secret-2b' } },
      { venue: 'bybit', label: 'Bybit', config: { apiKeyEnv: 'E2E_BYBIT_KEY', secretEnv: 'E2E_BYBIT_SECRET', takerFeeRate: 0.0006 }, credentials: { E2E_BYBIT_KEY: 'e2e-bybit-key-3c', E2E_BYBIT_SECRET: 'e2e-bybit-secret-4d' } },
      {
        venue: 'okx',
        label: 'OKX',
        config: { apiKeyEnv: 'E2E_OKX_KEY', secretEnv: 'E2E_OKX_SECRET', passphraseEnv: 'E2E_OKX_PASS' },
        credentials: { E2E_OKX_KEY: 'e2e-okx-key-5e', E2E_OKX_SECRET: 'e2e-okx-secret-6f', E2E_OKX_PASS: 'e2e-okx-pass-70' },
      },
      { venue: 'deribit', label: 'Deribit', config: { currency: 'BTC', clientIdEnv: 'E2E_DERIBIT_ID', clientSecretEnv: 'E2E_DERIBIT_SECRET' }, credentials: { E2E_DERIBIT_ID: 'e2e-deribit-id-81', E2E_DERIBIT_SECRET: 'e2e-deribit-secret-92' } },
      { venue: 'dydx-v4', label: 'dYdX', config: { address: dydxAddress, subaccountNumber: 0 } },
      { venue: 'hyperliquid', label: 'Hyperliquid', config: { user: hyperliquidUser } },
      { venue: 'gmx-v2', label: 'GMX', config: { chain: 'arbitrum', account: gmxTrader, rpcUrl: gmxRpc.url, apiUrl: gmxApi.url } },
      { venue: 'compound-v3', label: 'Compound', config: { rpcUrl: cometRpc.url, comet: COMET, account: cometBorrower, chainId: 1 } },
    )

    const secretKey = randomBytes(32)
    const urlOverrides = Object.fromEntries(Object.entries(started).map(([venue, server]) => [venue, server.url]))
    // No secret comes from the environment: every key reaches the connectors through addAccount's sealed credentials.
    const clientEnv: ClientEnvironment = { secret: () => undefined, timeoutMs: 10_000, urlOverrides, logger: silentLogger() }
    db = await createTestDatabase('pglite')
    indexer = new Indexer({
      prisma: db.prisma,
      venues: venueConnectors,
      clientEnv,
      logger: silentLogger(),
      timeoutMs: 20_000,
      intervalMs: 3_600_000,
      concurrencyPerVenue: 1,
      openCredentials: (sealed) => decryptCredentials(sealed, secretKey),
    })
    api = await startTestApi(db, {
      // The venues answer from this machine's local servers: the operator's setting that allows it.
      allowPrivateVenueUrls: true,
      venues: venueConnectors,
      sealCredentials: (plain) => encryptCredentials(plain, secretKey),
      refreshAccount: async (id) => void (await indexer.runOnce([id])),
      verifyAccount: (account) => verifyAccount({ venues: venueConnectors, clientEnv, timeoutMs: 10_000, logger: silentLogger() }, account),
    })
    portfolioId = (await api.query<{ createPortfolio: { id: string } }>(`mutation { createPortfolio(name: "Every venue") { id } }`)).data!.createPortfolio.id
  }, 120_000)

  afterAll(async () => {
    await indexer?.stop()
    await api?.close()
    await db?.destroy()
    for (const server of servers) await server.close()
    await gmxRpc?.close()
    await cometRpc?.close()
    await chain?.stop()
  })

  test('every registered venue is covered here', () => {
    expect(accounts.map((a) => a.venue).sort()).toEqual(Object.keys(venueConnectors).sort())
  })

  test('each account is added by mutation and refreshed to OK through the indexer', async () => {
    for (const account of accounts) {
      const added = await api.query<{ addAccount: { id: string } }>(`mutation ($input: AddAccountInput!) { addAccount(input: $input) { id } }`, { input: { portfolioId, ...account } })
      expect(added.errors, account.venue).toBeUndefined()
      const refreshed = await api.query<{ refreshAccount: { status: string; lastError: string | null } }>(`mutation ($id: ID!) { refreshAccount(id: $id) { status lastError } }`, {
        id: added.data!.addAccount.id,
      })
      expect(refreshed.data!.refreshAccount, account.venue).toEqual({ status: 'OK', lastError: null })
    }
  }, 120_000)

  test('positions, balances and stored credentials show per account; no key comes back', async () => {
    const res = await api.query<{ portfolio: { accounts: AccountRow[] } }>(
      `query ($id: ID!) { portfolio(id: $id) { accounts { id venue status lastError hasStoredCredentials
         lastSnapshot { positions { size instrument { underlying } } balances { asset kind amount } } } } }`,
      { id: portfolioId },
    )
    const rows = new Map(res.data!.portfolio.accounts.map((a) => [a.venue, a]))
    for (const account of accounts) {
      const row = rows.get(account.venue)!
      expect(row.status, account.venue).toBe('OK')
      expect(row.hasStoredCredentials, account.venue).toBe(account.credentials !== undefined)
      expect(row.lastSnapshot!.positions.length + row.lastSnapshot!.balances.length, account.venue).toBeGreaterThan(0)
    }
    // Aave: 2 WETH supplied and 1000 USDC borrowed, as the chain was set up.
    expect(rows.get('aave-v3')!.lastSnapshot!.balances).toEqual(
      expect.arrayContaining([expect.objectContaining({ asset: 'WETH', kind: 'COLLATERAL' }), expect.objectContaining({ asset: 'USDC', kind: 'DEBT' })]),
    )
    const body = JSON.stringify(res)
    for (const account of accounts) for (const secret of Object.values(account.credentials ?? {})) expect(body).not.toContain(secret)
  })

  test('each venue’s own margin figures stand beside our replication, with the differences', async () => {
    const res = await api.query<{ portfolio: { venueMargins: Comparison[] } }>(
      `query ($id: ID!) { portfolio(id: $id) { venueMargins { venue reported { equity healthFactor initialMargin } replicated { equity healthFactor initialMargin }
         differences { field reported replicated difference } } } }`,
      { id: portfolioId },
    )
    const byVenue = new Map(res.data!.portfolio.venueMargins.map((m) => [m.venue, m]))
    expect([...byVenue.keys()].sort()).toEqual(accounts.map((a) => a.venue).sort())
    const difference = (venue: string, field: string) => byVenue.get(venue)!.differences.find((d) => d.field === field)
    // Aave's getUserAccountData is replicated unit for unit; Hyperliquid's marginSummary.accountValue 1182.312496
    // and dYdX's equity are reproduced from the same payloads (see each venue's tests).
    expect(difference('aave-v3', 'healthFactor')!.difference).toBe('0')
    expect(difference('hyperliquid', 'equity')).toMatchObject({ reported: '1182.312496', difference: '0' })
    expect(Math.abs(Number(difference('dydx-v4', 'equity')!.difference))).toBeLessThan(1e-8)
    // GMX v2: the Reader's P&L, impact and fees combined as the liquidation check does, beside ours from the positions.
    expect(Math.abs(Number(difference('gmx-v2', 'equity')!.difference))).toBeLessThan(1e-9)
    // Compound v3: the same balances at the same prices on both sides (1.5 WETH + 0.04 WBTC, local/state.ts); the
    // contract's borrowBalanceOf carries the interest since the last accrual that its isLiquidatable view does not.
    expect(difference('compound-v3', 'totalCollateral')).toMatchObject({ reported: '8614.052', difference: '0' })
    expect(Number(difference('compound-v3', 'totalDebt')!.difference)).toBeLessThan(0)
    // Bybit's position IM 3.634521 is in the payload; the account figure is the wallet's totalInitialMargin.
    expect(byVenue.get('bybit')!.reported.initialMargin).toBe('182.60183684')
  })

  test('exposures net the same asset across venues', async () => {
    const res = await api.query<{ portfolio: { exposures: Exposure[] } }>(`query ($id: ID!) { portfolio(id: $id) { exposures { asset netUnits grossUnits byVenue { venue units } } } }`, { id: portfolioId })
    const exposures = new Map(res.data!.portfolio.exposures.map((e) => [e.asset, e]))
    const btc = exposures.get('BTC')!
    const units = (venue: string) => btc.byVenue.filter((v) => v.venue === venue).reduce((sum, v) => sum.plus(v.units), new Decimal(0))
    // Recorded sizes: dYdX BTC-USD −0.491 (ccxt fixture), Hyperliquid BTC −0.00785 (SDK cassette).
    expect(units('dydx-v4').toString()).toBe('-0.491')
    expect(units('hyperliquid').toString()).toBe('-0.00785')
    expect(new Set(btc.byVenue.map((v) => v.venue)).size).toBeGreaterThanOrEqual(4)
    const sum = btc.byVenue.reduce((s, v) => s.plus(v.units), new Decimal(0))
    const gross = btc.byVenue.reduce((s, v) => s.plus(new Decimal(v.units).abs()), new Decimal(0))
    expect(new Decimal(btc.netUnits).minus(sum).abs().toNumber()).toBeLessThan(1e-12)
    expect(new Decimal(btc.grossUnits).minus(gross).abs().toNumber()).toBeLessThan(1e-12)
    // ETH: 2 WETH on Aave (canonical ETH) nets with Hyperliquid's 0.1334 ETH long.
    const eth = exposures.get('ETH')!
    expect(eth.byVenue.find((v) => v.venue === 'aave-v3')!.units).toBe('2')
    expect(eth.byVenue.find((v) => v.venue === 'hyperliquid')!.units).toBe('0.1334')
  })
})
