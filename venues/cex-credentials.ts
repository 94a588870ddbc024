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

/** Removes every secret and any query string (signatures, timestamps) and bounds the length. */
export function scrubSecrets(message: string, secrets: string[]): string {
  let out = message
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]')
  return out.replace(/\?[^\s"]*/g, '?…').slice(0, 300)
}
