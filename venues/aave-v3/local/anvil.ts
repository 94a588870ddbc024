// A local EVM for tests and the demo: the anvil binary shipped in @foundry-rs/anvil, on 127.0.0.1 and a free port.
import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'
import { existsSync } from 'node:fs'
import { Socket } from 'node:net'
import { z } from 'zod'

export interface AnvilOptions {
  /** 0 or absent: anvil binds a free port itself (no race between picking a port and binding it). */
  port?: number
  /** Seconds between blocks (fractions allowed); absent: a block per transaction (automine). */
  blockTime?: number
  chainId?: number
  /** How long to wait for the node to answer `eth_chainId`. */
  startTimeoutMs?: number
}

export interface LocalChain {
  rpcUrl: string
  chainId: number
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
let exitHookInstalled = false

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // Synchronous on purpose: 'exit' handlers cannot await. The watchdog below covers deaths that skip 'exit'.
  process.once('exit', () => {
    for (const child of running) killTree(child, 'SIGKILL')
  })
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    // The wrapper leads its own process group, so this reaches anvil and the watchdog too.
    process.kill(process.platform === 'win32' ? child.pid : -child.pid, signal)
  } catch {
    // already gone
  }
}

function anvilBinary(): string {
  const require = createRequire(import.meta.url)
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`
  try {
    const dir = path.dirname(require.resolve(`${platformPackage}/package.json`))
    const bin = path.join(dir, 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil')
    if (existsSync(bin)) return bin
  } catch {
    // reported below
  }
  throw new Error(`anvil binary not found: ${platformPackage} (an optional dependency of @foundry-rs/anvil) is not installed`)
}

// anvil has no "exit with my parent" flag. Its wrapper shell keeps our stdin pipe open on fd 3 and kills anvil when
// that pipe closes, which the kernel does whenever this process dies, even by SIGKILL: no orphaned nodes.
const WATCHDOG = 'exec 3<&0; "$@" </dev/null & pid=$!; (read _ <&3; kill $pid 2>/dev/null) & wait $pid'

function spawnAnvil(args: string[]): ChildProcess {
  if (process.platform === 'win32') return spawn(anvilBinary(), args, { stdio: ['pipe', 'pipe', 'pipe'] })
  return spawn('sh', ['-c', WATCHDOG, 'anvil-watchdog', anvilBinary(), ...args], { stdio: ['pipe', 'pipe', 'pipe'], detached: true })
}

async function answersChainId(rpcUrl: string): Promise<boolean> {
  try {
    const response = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(1_000),
    })
    return response.ok && z.looseObject({ result: z.string() }).safeParse(await response.json()).success
  } catch {
    return false
  }
}

/** Starts anvil and resolves once it answers `eth_chainId`; the node dies with `stop()` or with this process. */
export async function startAnvil(options: AnvilOptions = {}): Promise<LocalChain> {
  const chainId = options.chainId ?? 31337
  const args = ['--host', '127.0.0.1', '--port', String(options.port ?? 0), '--chain-id', String(chainId)]
  // Aave's Pool is above the 24 KiB mainnet code-size limit without the optimizer runs of a real deployment.
  args.push('--code-size-limit', '50000')
  if (options.blockTime !== undefined) args.push('--block-time', String(options.blockTime))
  installExitHook()
  const child = spawnAnvil(args)
  running.add(child)
  child.once('exit', () => {
    running.delete(child)
    // Releases the watchdog shell when anvil ended by itself.
    child.stdin?.destroy()
  })

  let stdout = ''
  let stderr = ''
  let port: number | null = null
  const portFound = new Promise<number>((resolve, reject) => {
    // Without --silent anvil logs every RPC call; the stream is drained so a full pipe never stalls it.
    child.stdout!.on('data', (chunk: Buffer) => {
      if (port !== null) return
      stdout = (stdout + chunk.toString('utf8')).slice(-4_096)
      const match = /Listening on [^\s:]+:(\d+)/.exec(stdout)
      if (match) {
        port = Number(match[1])
        resolve(port)
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2_000)
    })
    child.once('exit', (code, signal) => reject(new Error(`anvil exited (${signal ?? `code ${code}`}) before listening: ${stderr.trim() || stdout.slice(-500).trim()}`)))
    child.once('error', reject)
  })

  const timeoutMs = options.startTimeoutMs ?? 15_000
  let timer: NodeJS.Timeout | undefined
  try {
    const listening = await Promise.race([
      portFound,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`anvil did not start listening within ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
    const rpcUrl = `http://127.0.0.1:${listening}`
    const deadline = Date.now() + timeoutMs
    while (!(await answersChainId(rpcUrl))) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`anvil exited before answering: ${stderr.trim()}`)
      if (Date.now() > deadline) throw new Error(`anvil did not answer eth_chainId on ${rpcUrl} within ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, 20))
    }
    // A forgotten stop() must not keep a test process alive; the exit hook and the watchdog still end anvil.
    child.unref()
    // Piped stdio are sockets at run time (typed as plain streams).
    for (const stream of [child.stdin, child.stdout, child.stderr]) if (stream instanceof Socket) stream.unref()
    return { rpcUrl, chainId, stop: () => stopChild(child) }
  } catch (error) {
    killTree(child, 'SIGKILL')
    throw error
  } finally {
    clearTimeout(timer)
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  // Closing stdin makes the watchdog end anvil gracefully; the timer escalates if it does not.
  child.stdin?.end()
  if (process.platform === 'win32') child.kill('SIGTERM')
  let timer: NodeJS.Timeout | undefined
  const timedOut = await Promise.race([
    exited.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), 2_000)
    }),
  ])
  clearTimeout(timer)
  if (timedOut) {
    killTree(child, 'SIGKILL')
    await exited
  }
}
