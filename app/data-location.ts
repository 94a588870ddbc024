// Where the data lives: one answer for `npm start` and every script (migrate, api-key, load-prices). DATABASE_URL
// wins; otherwise the embedded database in the data directory of the config file `npm start` would use, or the
// demo's own directory when there is none, so a script never works on another database than the server's. Only the
// file's top level is checked here (accounts' venue settings are npm start's to check): scripts load no connector.
import path from 'node:path'
import { resolveDatabaseTarget, type DatabaseTarget } from '../core/db/client.js'
import { DEMO_DATA_DIR, findConfigFile, loadConfigFile } from '../core/config.js'

export interface DataLocation {
  target: DatabaseTarget
  /** The config file the data directory came from; null for the demo (or DATABASE_URL without a config). */
  configFile: string | null
  /** Says where, for messages: "PostgreSQL (DATABASE_URL)" or "PGlite at <dir>". */
  description: string
}

/** The embedded database of a data directory (`<dataDir>/pgdata`, relative to `cwd`). */
export function embeddedDataPath(dataDir: string, cwd: string): string {
  return path.resolve(cwd, dataDir, 'pgdata')
}

export function resolveDataLocation(options: { env: NodeJS.ProcessEnv; cwd: string; configPath?: string; demo?: boolean }): DataLocation {
  const configFile = options.demo ? null : findConfigFile(options.configPath, options.env, options.cwd)
  const dataDir = configFile ? loadConfigFile(configFile, null).dataDir : DEMO_DATA_DIR
  const target = resolveDatabaseTarget(options.env, embeddedDataPath(dataDir, options.cwd))
  const description = target.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `PGlite at ${target.dataDir}`
  return { target, configFile, description }
}
