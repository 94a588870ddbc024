// A local EVM for tests and the demo: the anvil binary shipped in @foundry-rs/anvil, on 127.0.0.1 and a free port.
import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import net from 'node:net'
import path from 'node:path'
import { existsSync } from 'node:fs'

export interface LocalChain {
  rpcUrl: string
  chainId: number
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

function anvilBinary(): string {
  const require = createRequire(import.meta.url)
  // The platform package ships the binary; the wrapper package only forwards to it.
  for (const pkg of ['@foundry-rs/anvil-linux-amd64', '@foundry-rs/anvil-linux-arm64', '@foundry-rs/anvil-darwin-arm64', '@foundry-rs/anvil-darwin-amd64']) {
    try {
      const dir = path.dirname(require.resolve(`${pkg}/package.json`))
      const bin = path.join(dir, 'bin', 'anvil')
      if (existsSync(bin)) return bin
    } catch {
      // not this platform
    }
  }
  throw new Error('anvil binary not found: is @foundry-rs/anvil installed for this platform?')
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function waitForRpc(rpcUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode} before answering`)
    try {
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`anvil did not answer on ${rpcUrl} within ${timeoutMs} ms`)
}

export async function startAnvil(options: { port?: number; chainId?: number } = {}): Promise<LocalChain> {
  const port = options.port || (await freePort())
  const chainId = options.chainId ?? 31337
  const child = spawn(anvilBinary(), ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId), '--silent', '--code-size-limit', '50000'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  running.add(child)
  const rpcUrl = `http://127.0.0.1:${port}`
  try {
    await waitForRpc(rpcUrl, child, 15_000)
  } catch (error) {
    child.kill('SIGKILL')
    running.delete(child)
    throw error
  }
  return {
    rpcUrl,
    chainId,
    async stop() {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000))])
      if (child.exitCode === null) child.kill('SIGKILL')
      running.delete(child)
    },
  }
}
