// Credentials at rest: AES-256-GCM under a key from CROSSMARGIN_SECRET_KEY (32 bytes, base64 or hex).
// The ciphertext carries its version, IV and auth tag, so a tampered or foreign value fails loudly.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { InvalidInput, Unauthorized } from './errors.js'

const VERSION = 'v1'

/** Reads the 32-byte key; throws when absent or malformed (start refuses to store keys without it). */
export function loadSecretKey(env: NodeJS.ProcessEnv): Buffer {
  const text = env.CROSSMARGIN_SECRET_KEY?.trim()
  if (!text) throw new InvalidInput('CROSSMARGIN_SECRET_KEY', 'is not set; it is needed to store venue credentials encrypted (32 random bytes, base64)')
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64')
  if (key.length !== 32) throw new InvalidInput('CROSSMARGIN_SECRET_KEY', `must decode to 32 bytes, got ${key.length}`)
  return key
}

export function encryptCredentials(plain: Record<string, string>, key: Buffer): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(VERSION))
  const data = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()])
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), data.toString('base64')].join('.')
}

export function decryptCredentials(sealed: string, key: Buffer): Record<string, string> {
  const [version, iv, tag, data] = sealed.split('.')
  if (version !== VERSION || !iv || !tag || !data) throw new Unauthorized('stored credentials are not in a known format')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'))
    decipher.setAAD(Buffer.from(VERSION))
    decipher.setAuthTag(Buffer.from(tag, 'base64'))
    const text = Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8')
    return JSON.parse(text) as Record<string, string>
  } catch {
    // Never echo the ciphertext or the cause: either could help an attacker or leak into logs.
    throw new Unauthorized('stored credentials could not be decrypted with CROSSMARGIN_SECRET_KEY (wrong key or tampered data)')
  }
}
