// Secrets leave error messages whole, and ordinary words stay readable.
import { describe, expect, test } from '@jest/globals'
import { scrubSecrets } from './cex-credentials.js'

describe('scrubSecrets', () => {
  test('a secret standing as a value is replaced, wherever it stands', () => {
    const key = 'vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A'
    expect(scrubSecrets(`binance rejected key ${key}: invalid; X-MBX-APIKEY=${key},`, [key])).toBe('binance rejected key [redacted]: invalid; X-MBX-APIKEY=[redacted],')
  })
  test('a short secret is not cut out of ordinary words (it garbled "failed" into "faile[re[redacted]acte…")', () => {
    expect(scrubSecrets('request failed: redacted fields rejected', ['d', 're', 'ed'])).toBe('request failed: redacted fields rejected')
    expect(scrubSecrets('passphrase re was refused', ['re'])).toBe('passphrase [redacted] was refused')
  })
  test('the longer of two overlapping secrets wins, in one pass', () => {
    expect(scrubSecrets('key abc-123456 sent', ['abc', 'abc-123456'])).toBe('key [redacted] sent')
  })
  test('query strings (signatures, timestamps) go, and the message is bounded', () => {
    expect(scrubSecrets('GET https://api.example/x?signature=ff&timestamp=1 failed', [])).toBe('GET https://api.example/x?… failed')
    expect(scrubSecrets('x'.repeat(1000), [])).toHaveLength(300)
  })
})
