// Where webhooks may POST. A webhook URL is chosen by whoever holds an API key, and the server POSTs to it from
// inside its own network: left open, a key could make crossmargin call its database host, a cloud metadata service
// (169.254.169.254) or anything else only the server can reach (server-side request forgery). So by default a webhook
// may only reach public addresses, checked when it is created and again at every delivery, on the address the
// connection is actually opened to (a name that resolved to a public address yesterday may resolve to 10.0.0.5
// today). `webhooks.allowPrivateAddresses` lifts the rule for a deployment whose receivers live on its own network.
import dns from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'

/** Loopback, private, link-local, carrier-grade NAT, benchmarking, multicast and reserved ranges, IPv4 and IPv6. */
const PRIVATE_V4: [string, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
]
const PRIVATE_V6: [string, number][] = [
  ['::', 128],
  ['::1', 128],
  ['100::', 64], // discard-only (RFC 6666)
  ['2001::', 32], // Teredo: the IPv4 address inside is obfuscated, so the whole prefix is refused
  ['2001:db8::', 32], // documentation
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10], // site-local (deprecated by RFC 3879, still routed by some stacks)
  ['ff00::', 8],
  ['64:ff9b:1::', 48],
]
const blockList = new net.BlockList()
for (const [address, prefix] of PRIVATE_V4) blockList.addSubnet(address, prefix, 'ipv4')
for (const [address, prefix] of PRIVATE_V6) blockList.addSubnet(address, prefix, 'ipv6')

/** The 16 bytes of an IPv6 address (with or without an embedded dotted IPv4 tail); the caller checked it is one. */
function ipv6Bytes(address: string): number[] {
  let text = address.replace(/%.*$/, '')
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number)
    text = `${text.slice(0, dotted.index)}${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, null]
  const parts = (s: string | null | undefined) => (s ? s.split(':') : [])
  const left = parts(head)
  const right = parts(tail)
  const groups = tail === null ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
  return groups.flatMap((g) => {
    const n = parseInt(g, 16)
    return [n >> 8, n & 0xff]
  })
}

/** The IPv4 address an IPv6 address carries and delivers to, where it carries one; else null. */
function embeddedIpv4(bytes: number[]): string | null {
  const v4 = (at: number) => bytes.slice(at, at + 4).join('.')
  const zero = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0)
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated; [::127.0.0.1] in a URL) are that IPv4 address.
  if (zero(0, 10) && ((bytes[10] === 0xff && bytes[11] === 0xff) || zero(10, 12))) return v4(12)
  // 64:ff9b::/96 (NAT64, RFC 6052) translates to the IPv4 address in its last 32 bits.
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zero(4, 12)) return v4(12)
  // 2002::/16 (6to4, RFC 3056) tunnels to the IPv4 address in bits 16 to 48.
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return v4(2)
  return null
}

export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address)
  if (family === 4) return blockList.check(address, 'ipv4')
  if (family === 6) {
    const bytes = ipv6Bytes(address)
    // :: and ::1 are themselves, not IPv4 0.0.0.0 and 0.0.0.1 (both refused either way).
    const inner = bytes.slice(0, 15).every((b) => b === 0) ? null : embeddedIpv4(bytes)
    if (inner !== null) return blockList.check(inner, 'ipv4')
    return blockList.check(address.replace(/%.*$/, ''), 'ipv6')
  }
  return true
}

export class PrivateAddressRefused extends Error {
  override readonly name = 'PrivateAddressRefused'
  constructor(readonly address: string) {
    super(`resolves to a private or reserved address (${address})`)
  }
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1')

/** Every address the URL's host resolves to now; an IP literal is itself. */
async function addressesOf(url: URL): Promise<string[]> {
  const host = hostOf(url)
  if (net.isIP(host)) return [host]
  return (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address)
}

/** Refuses a URL whose host is or resolves to a non-public address (unless allowed); throws PrivateAddressRefused. */
export async function checkWebhookTarget(url: URL, allowPrivateAddresses: boolean): Promise<void> {
  if (allowPrivateAddresses) return
  for (const address of await addressesOf(url)) if (isPrivateAddress(address)) throw new PrivateAddressRefused(address)
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void

/** A `lookup` for http.request that refuses to hand over a non-public address, so the check holds for the connection. */
function publicOnlyLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, [])
    const refused = addresses.find((a) => isPrivateAddress(a.address))
    if (refused) return callback(Object.assign(new PrivateAddressRefused(refused.address), { code: 'EPRIVATEADDRESS' }), [])
    if (options.all) return callback(null, addresses)
    callback(null, addresses[0]!.address, addresses[0]!.family)
  })
}

export interface WebhookPost {
  url: string
  headers: Record<string, string>
  body: string
  timeoutMs: number
  allowPrivateAddresses: boolean
}

/** POSTs once and answers the HTTP status; redirects are not followed (a 3xx is a failed delivery). */
export async function postWebhook(post: WebhookPost): Promise<number> {
  const url = new URL(post.url)
  // An IP literal is connected to without a lookup: check it here.
  if (!post.allowPrivateAddresses && net.isIP(hostOf(url)) && isPrivateAddress(hostOf(url))) throw new PrivateAddressRefused(hostOf(url))
  const request = url.protocol === 'https:' ? https.request : http.request
  const deadline = AbortSignal.timeout(post.timeoutMs)
  return new Promise<number>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...post.headers, 'content-length': Buffer.byteLength(post.body).toString() },
        signal: deadline,
        ...(post.allowPrivateAddresses ? {} : { lookup: publicOnlyLookup }),
      },
      (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      },
    )
    req.on('error', (error) => reject(deadline.aborted ? Object.assign(new Error('no answer in time'), { name: 'TimeoutError' }) : error))
    req.end(post.body)
  })
}
