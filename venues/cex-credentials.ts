// What every CEX connector does with credentials: read them by environment-variable name, and make sure no error
// message built from a venue's answer (or ccxt's, which can quote the signed URL) carries them.
import { InvalidInput } from '../core/errors.js'
import type { ClientEnvironment } from './types.js'

/** The secret behind `name`; InvalidInput naming the config key when it is not set. */
export function requireSecret(env: ClientEnvironment, name: string, configKey: string): string {
  const value = env.secret(name)
  if (!value) throw new InvalidInput(configKey, `environment variable ${name} is not set`)
  return value
}

/**
 * Removes every secret and any query string (signatures, timestamps) and bounds the length. A secret is replaced
 * where it stands as a whole value (not inside a longer run of letters and digits), in one pass, longest first: a
 * short secret used to be cut out of ordinary words, and out of an earlier "[redacted]" ("faile[re[redacted]acte…").
 */
export function scrubSecrets(message: string, secrets: string[]): string {
  const wanted = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length)
  const escaped = wanted.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  const out = escaped.length === 0 ? message : message.replace(new RegExp(`(?<![A-Za-z0-9])(?:${escaped.join('|')})(?![A-Za-z0-9])`, 'g'), '[redacted]')
  return out.replace(/\?[^\s"]*/g, '?…').slice(0, 300)
}
