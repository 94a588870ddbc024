// The local chain helper: free ports without races, interval mining on request, and a node that is gone after stop().
import { describe, expect, test } from '@jest/globals'
import { startAnvil } from './anvil.js'

async function rpc(url: string, method: string): Promise<string> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }) })
  return ((await response.json()) as { result: string }).result
}

describe('startAnvil', () => {
  test('several chains started at once each get their own port and answer eth_chainId', async () => {
    const chains = await Promise.all([startAnvil(), startAnvil(), startAnvil({ chainId: 1337 })])
    try {
      expect(new Set(chains.map((c) => c.rpcUrl)).size).toBe(3)
      expect(await Promise.all(chains.map((c) => rpc(c.rpcUrl, 'eth_chainId')))).toEqual(['0x7a69', '0x7a69', '0x539'])
    } finally {
      await Promise.all(chains.map((c) => c.stop()))
    }
  })

  test('with a block time, blocks are mined without transactions', async () => {
    const chain = await startAnvil({ blockTime: 0.1 })
    try {
      await new Promise((r) => setTimeout(r, 450))
      expect(Number(await rpc(chain.rpcUrl, 'eth_blockNumber'))).toBeGreaterThanOrEqual(2)
    } finally {
      await chain.stop()
    }
  })

  test('after stop() the node no longer answers, and a second stop() is harmless', async () => {
    const chain = await startAnvil()
    await chain.stop()
    await expect(rpc(chain.rpcUrl, 'eth_chainId')).rejects.toThrow()
    await chain.stop()
  })
})
