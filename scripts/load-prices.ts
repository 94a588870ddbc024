// `npm run load-prices [-- <dir>]`: stores the daily candle CSVs (`<ASSET>-USD-1d.csv`) of a directory in the
// database, for the risk engine's scenarios. Defaults to ../shared/data/prices beside the checkout.
import path from 'node:path'
import { openDatabase, resolveDatabaseTarget } from '../core/db/client.js'
import { importPriceDirectory } from '../market/candle-store.js'

const dir = path.resolve(process.argv[2] ?? process.env.CROSSMARGIN_PRICES_DIR ?? path.join('..', 'shared', 'data', 'prices'))
const db = await openDatabase(resolveDatabaseTarget(process.env, path.resolve('.crossmargin', 'pgdata')))
try {
  await db.migrate()
  console.log(`${await importPriceDirectory(db.prisma, dir)} new daily candles stored from ${dir}`)
} finally {
  await db.close()
}
