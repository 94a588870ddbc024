// `npm run load-prices [-- <dir>] [--config file | --demo]`: stores the daily candle CSVs (`<ASSET>-USD-1d.csv`) of a directory in the
// database, for the risk engine's scenarios. Defaults to ../shared/data/prices beside the checkout.
import path from 'node:path'
import { parseArgs } from 'node:util'
import { openDatabase } from '../core/db/client.js'
import { importPriceDirectory } from '../market/candle-store.js'
import { resolveDataLocation } from '../app/data-location.js'
import { runScript } from './run-script.js'

await runScript(async () => {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { config: { type: 'string', short: 'c' }, demo: { type: 'boolean', default: false } } })
  const dir = path.resolve(positionals[0] ?? process.env.CROSSMARGIN_PRICES_DIR ?? path.join('..', 'shared', 'data', 'prices'))
  const db = await openDatabase(resolveDataLocation({ env: process.env, cwd: process.cwd(), configPath: values.config, demo: values.demo }).target)
  try {
    await db.migrate()
    console.log(`${await importPriceDirectory(db.prisma, dir)} new daily candles stored from ${dir}`)
  } finally {
    await db.close()
  }
})
