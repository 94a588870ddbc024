// `npm run load-prices [-- <dir>]`: stores the daily candle CSVs (`<ASSET>-USD-1d.csv`) of a directory in the
// database, for the risk engine's scenarios. Defaults to ../shared/data/prices beside the checkout.
import path from 'node:path'
import { readdirSync } from 'node:fs'
import { openDatabase, resolveDatabaseTarget } from '../core/db/client.js'
import { readCandlesCsv } from '../indexer/market/price-csv.js'
import { storeCandles } from '../indexer/market/candle-store.js'

const dir = path.resolve(process.argv[2] ?? process.env.CROSSMARGIN_PRICES_DIR ?? path.join('..', 'shared', 'data', 'prices'))
const db = await openDatabase(resolveDatabaseTarget(process.env, path.resolve('.crossmargin', 'pgdata')))
try {
  await db.migrate()
  for (const file of readdirSync(dir).filter((f) => f.endsWith('-1d.csv')).sort()) {
    const asset = file.split('-')[0]!
    const created = await storeCandles(db.prisma, asset, 'binance-spot', readCandlesCsv(path.join(dir, file)))
    console.log(`${asset}: ${created} new daily candles`)
  }
} finally {
  await db.close()
}
