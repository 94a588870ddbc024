import { randomBytes } from 'node:crypto'
import { describe, expect, test } from '@jest/globals'
import { decryptCredentials, encryptCredentials, loadSecretKey } from './credentials.js'

describe('credentials at rest', () => {
  const key = randomBytes(32)
  const plain = { apiKey: 'test-key-AAAA', secret: 'test-secret-BBBB' }

  test('round-trips and never contains the plaintext', () => {
    const sealed = encryptCredentials(plain, key)
    expect(sealed).not.toContain('AAAA')
    expect(sealed).not.toContain('BBBB')
    expect(decryptCredentials(sealed, key)).toEqual(plain)
  })

  test('two encryptions of the same value differ (fresh IV each time)', () => {
    expect(encryptCredentials(plain, key)).not.toBe(encryptCredentials(plain, key))
  })

  test('a tampered ciphertext or a wrong key is refused without echoing data', () => {
    const sealed = encryptCredentials(plain, key)
    const parts = sealed.split('.')
    const data = Buffer.from(parts[3]!, 'base64')
    data[0] = data[0]! ^ 1
    const tampered = [...parts.slice(0, 3), data.toString('base64')].join('.')
    expect(() => decryptCredentials(tampered, key)).toThrow(/wrong key or tampered/)
    expect(() => decryptCredentials(sealed, randomBytes(32))).toThrow(/wrong key or tampered/)
  })

  test('the key comes from CROSSMARGIN_SECRET_KEY and must be 32 bytes', () => {
    expect(() => loadSecretKey({})).toThrow(/CROSSMARGIN_SECRET_KEY: is not set/)
    expect(() => loadSecretKey({ CROSSMARGIN_SECRET_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/32 bytes, got 16/)
    expect(loadSecretKey({ CROSSMARGIN_SECRET_KEY: key.toString('base64') }).equals(key)).toBe(true)
    expect(loadSecretKey({ CROSSMARGIN_SECRET_KEY: key.toString('hex') }).equals(key)).toBe(true)
  })
})
