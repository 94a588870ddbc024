// `npm start`: runs crossmargin. With a config file (crossmargin.yaml/.json, --config or CROSSMARGIN_CONFIG) it
// indexes the accounts it names; with none, or with --demo, it starts the self-contained demo (local chain with
// a real Aave v3 market, a local Binance replay server) so a fresh clone shows something real in one command.
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createLogger } from '../core/logger.js'
import { findConfigFile, loadConfigFile, type CrossmarginConfig } from '../core/config.js'
import { isCrossmarginError } from '../core/errors.js'
import { startApp } from '../app/app.js'
import { venueConnectors } from '../venues/index.js'

const EXAMPLE_QUERY = `{ portfolios { name accounts { venue label status } exposures { asset netUnits netUsd } } }`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', short: 'c' },
      demo: { type: 'boolean', default: false },
      port: { type: 'string' },
      once: { type: 'boolean', default: false },
      // The API (and webhook delivery) without the indexer: more API processes beside one indexer on a PostgreSQL server.
      'api-only': { type: 'boolean', default: false },
      // Listen beyond loopback without API keys anyway (refused otherwise).
      'insecure-no-auth': { type: 'boolean', default: false },
    },
  })
  const logger = createLogger()
  const configFile = values.demo ? null : findConfigFile(values.config, process.env, process.cwd())

  let config: CrossmarginConfig
  let secrets: Record<string, string> | undefined
  let urlOverrides: Record<string, string> | undefined
  let stopDemo: (() => Promise<void>) | null = null
  if (configFile) {
    config = loadConfigFile(configFile, venueConnectors)
    logger.info({ configFile }, 'configuration loaded')
  } else {
    logger.info('no configuration file found: starting the demo (local Aave v3 chain and Binance replay server)')
    const { startDemoEnvironment } = await import('../indexer/demo/demo-environment.js')
    const demo = await startDemoEnvironment({ logger })
    config = demo.config
    secrets = demo.secrets
    urlOverrides = demo.urlOverrides
    stopDemo = () => demo.stop()
  }
  // Base-URL overrides for venues reached through a proxy or a self-hosted mirror (CROSSMARGIN_<VENUE>_URL).
  for (const venue of Object.keys(venueConnectors)) {
    const url = process.env[`CROSSMARGIN_${venue.toUpperCase().replace(/-/g, '_')}_URL`]
    if (url) urlOverrides = { ...urlOverrides, [venue]: url }
  }
  if (values.port) config.server.port = Number(values.port)
  if (process.env.CROSSMARGIN_PORT) config.server.port = Number(process.env.CROSSMARGIN_PORT)
  if (process.env.CROSSMARGIN_HOST) config.server.host = process.env.CROSSMARGIN_HOST
  if (values['insecure-no-auth']) config.server.insecureNoAuth = true
  if (process.env.CROSSMARGIN_REQUIRE_API_KEY) config.server.requireApiKey = /^(1|true|yes)$/i.test(process.env.CROSSMARGIN_REQUIRE_API_KEY)
  if (process.env.CROSSMARGIN_WEBHOOKS_ALLOW_PRIVATE) config.webhooks.allowPrivateAddresses = /^(1|true|yes)$/i.test(process.env.CROSSMARGIN_WEBHOOKS_ALLOW_PRIVATE)

  // Daily closes fetched from Binance spot, or a mirror of its API (CROSSMARGIN_PRICE_HISTORY_URL); `off` fetches none.
  const historyUrl = process.env.CROSSMARGIN_PRICE_HISTORY_URL
  if (historyUrl && /^(off|0|false|no)$/i.test(historyUrl)) config.marketData.dailyHistory = null
  else if (historyUrl) config.marketData.dailyHistory = { assets: config.marketData.dailyHistory?.assets ?? [], url: historyUrl }

  // The risk engine's daily history: CROSSMARGIN_PRICES_DIR, or the shared data beside a development checkout.
  const pricesDir = process.env.CROSSMARGIN_PRICES_DIR ?? path.resolve(process.cwd(), '..', 'shared', 'data', 'prices')
  const configSource = configFile ? path.basename(configFile) : 'demo'
  // Signals are handled from before start-up, not from after the banner: a SIGTERM that arrives while the app starts
  // (or in the instant after the banner is written) waits for the start to finish and then stops it in order.
  let requested: string | null = null
  let stopNow: ((signal: string) => Promise<void>) | null = null
  const onSignal = (signal: string) => {
    if (requested) return
    requested = signal
    void stopNow?.(signal)
  }
  process.on('SIGINT', () => onSignal('SIGINT'))
  process.on('SIGTERM', () => onSignal('SIGTERM'))
  const app = await startApp({ config, configSource, venues: venueConnectors, logger, env: process.env, secrets, urlOverrides, indexer: !values.once && !values['api-only'], pricesDir })
  if (values.once) await app.indexer.runOnce()

  // Browsers try both 127.0.0.1 and ::1 for localhost, so the friendlier name is safe to show for a loopback bind.
  const shown = app.api.url.replace('//127.0.0.1:', '//localhost:')
  console.log(`\ncrossmargin is running.\n  GraphQL + GraphiQL: ${shown}\n  Example query:\n    curl -s ${app.api.url} -H 'content-type: application/json' \\\n      -d '${JSON.stringify({ query: EXAMPLE_QUERY })}'\n`)

  stopNow = async (signal: string) => {
    logger.info({ signal }, 'stopping')
    await app.stop()
    await stopDemo?.()
    process.exit(0)
  }
  if (requested) await stopNow(requested)
}

main().catch((error: unknown) => {
  // Configuration and input errors are the user's to fix: say exactly what, without a stack trace.
  if (isCrossmarginError(error)) console.error(`crossmargin: ${error.message}`)
  else console.error('crossmargin failed to start:', error)
  process.exit(1)
})
