// The self-contained demo behind `npm start` on a fresh clone: a local EVM with a real Aave v3 market and a demo
// wallet that supplied WETH and USDC and borrowed, a local server answering like Binance USDⓈ-M for a demo
// account, and a portfolio holding both. Everything runs on 127.0.0.1 and needs no network.
import path from 'node:path'
import { JsonRpcProvider } from 'ethers'
import { fileURLToPath } from 'node:url'
import type { Logger } from 'pino'
import { ConfigSchema, DEMO_DATA_DIR, type CrossmarginConfig } from '../../core/config.js'
import { startAnvil } from '../../venues/aave-v3/local/anvil.js'
import { deployAaveMarket } from '../../venues/aave-v3/local/deploy-market.js'
import { startBinanceReplay } from '../../venues/binance/local/replay.js'

export interface DemoEnvironment {
  config: CrossmarginConfig
  secrets: Record<string, string>
  urlOverrides: Record<string, string>
  stop(): Promise<void>
}

const DEMO_KEY_ENV = 'CROSSMARGIN_DEMO_BINANCE_KEY'
const DEMO_SECRET_ENV = 'CROSSMARGIN_DEMO_BINANCE_SECRET'
const demoFixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'venues', 'binance', 'local', 'demo-account')

export async function startDemoEnvironment({ logger }: { logger: Logger }): Promise<DemoEnvironment> {
  const anvil = await startAnvil()
  try {
    const market = await deployAaveMarket(anvil.rpcUrl)
    const wallet = market.wallets[1]!
    // ETH at the Binance demo account's mark, so the two venues value ETH alike.
    await market.setAssetPriceUsd('WETH', '3000')
    // 2 WETH and 5,000 USDC supplied, 1,500 USDC borrowed: a healthy position whose HF moves with ETH.
    await market.fundAndSupply(wallet, 'WETH', '2')
    await market.fundAndSupply(wallet, 'USDC', '5000')
    await market.borrow(wallet, 'USDC', '1500')
    logger.info({ rpcUrl: anvil.rpcUrl, pool: market.addresses.pool, wallet }, 'demo: Aave v3 market deployed on a local chain')
    // A real chain makes blocks whether or not anyone trades; so must the demo's, or after ten quiet minutes its
    // latest block would look like a lagging node (maxBlockAgeSeconds) and the Aave account would stop refreshing.
    const node = new JsonRpcProvider(anvil.rpcUrl)
    await node.send('evm_setIntervalMining', [5])
    node.destroy()

    const binance = await startBinanceReplay({ fixtures: demoFixtures })
    logger.info({ url: binance.url }, 'demo: Binance USDⓈ-M replay server listening')

    const config = ConfigSchema.parse({
      dataDir: DEMO_DATA_DIR,
      indexer: { intervalSeconds: 15, timeoutMs: 10_000, concurrencyPerVenue: 2 },
      portfolios: [
        {
          name: 'Demo fund',
          accounts: [
            { venue: 'aave-v3', label: 'aave-local', config: { rpcUrl: anvil.rpcUrl, poolAddressesProvider: market.addresses.poolAddressesProvider, user: wallet, chainId: market.chainId } },
            { venue: 'binance', label: 'binance-usdm-demo', config: { market: 'usdm', apiKeyEnv: DEMO_KEY_ENV, secretEnv: DEMO_SECRET_ENV } },
          ],
        },
      ],
    })
    return {
      config,
      // Demo keys only open the local replay server; they are still handled like real ones (never logged).
      secrets: { [DEMO_KEY_ENV]: 'demo-api-key', [DEMO_SECRET_ENV]: 'demo-api-secret' },
      urlOverrides: { binance: binance.url },
      async stop() {
        await binance.close()
        await anvil.stop()
      },
    }
  } catch (error) {
    await anvil.stop()
    throw error
  }
}
