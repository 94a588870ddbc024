// Which addresses a webhook may reach by default: the IANA special-purpose address registries (RFC 6890 and its
// updates) name the ranges; public resolvers' well-known addresses are the public side.
import { describe, expect, test } from '@jest/globals'
import { checkWebhookTarget, isPrivateAddress, PrivateAddressRefused } from './webhook-target.js'

describe('webhook targets', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['10.20.30.40', 'RFC 1918'],
    ['172.31.255.255', 'RFC 1918, top of 172.16/12'],
    ['192.168.0.1', 'RFC 1918'],
    ['169.254.169.254', 'link-local: cloud metadata'],
    ['100.64.0.1', 'carrier-grade NAT (RFC 6598)'],
    ['0.0.0.0', '"this network"'],
    ['198.18.0.1', 'benchmarking (RFC 2544)'],
    ['224.0.0.251', 'multicast'],
    ['::1', 'IPv6 loopback'],
    ['fd12:3456::1', 'unique local (fc00::/7)'],
    ['fe80::1', 'IPv6 link-local'],
    ['::ffff:10.0.0.5', 'IPv4-mapped private'],
    ['::7f00:1', 'IPv4-compatible loopback (what URL makes of [::127.0.0.1])'],
    ['::127.0.0.1', 'IPv4-compatible loopback, dotted'],
    ['64:ff9b::a00:5', 'NAT64 (RFC 6052) to 10.0.0.5'],
    ['64:ff9b::127.0.0.1', 'NAT64 to loopback, dotted'],
    ['2002:a9fe:a9fe::1', '6to4 (RFC 3056) to 169.254.169.254'],
    ['2002:7f00:1::', '6to4 to 127.0.0.1'],
    ['fec0::1', 'site-local (RFC 3879)'],
    ['2001:0:4136:e378::1', 'Teredo (the IPv4 inside is obfuscated)'],
    ['2001:db8::1', 'documentation'],
    ['100::1', 'discard-only (RFC 6666)'],
  ])('%s is refused (%s)', (address) => {
    expect(isPrivateAddress(address)).toBe(true)
  })

  test.each([['8.8.8.8'], ['1.1.1.1'], ['172.32.0.1'], ['2606:4700:4700::1111'], ['::ffff:8.8.8.8'], ['64:ff9b::808:808'], ['2002:808:808::1'], ['2a00:1450:4001:82b::200e']])('%s is public', (address) => {
    expect(isPrivateAddress(address)).toBe(false)
  })

  test('a URL is checked on the address its host names, and allowed when the deployment says so', async () => {
    await expect(checkWebhookTarget(new URL('http://[fd00::1]/x'), false)).rejects.toBeInstanceOf(PrivateAddressRefused)
    await expect(checkWebhookTarget(new URL('http://localhost/x'), false)).rejects.toBeInstanceOf(PrivateAddressRefused)
    await expect(checkWebhookTarget(new URL('http://[::127.0.0.1]/x'), false)).rejects.toBeInstanceOf(PrivateAddressRefused)
    await expect(checkWebhookTarget(new URL('https://8.8.8.8/x'), false)).resolves.toBeUndefined()
    await expect(checkWebhookTarget(new URL('http://localhost/x'), true)).resolves.toBeUndefined()
  })
})
