// One process at a time on an embedded database: a second process (a script beside a running server, a second
// server) is refused with the owner's pid and nothing is written; a lock left by a dead process is taken over; and
// every script works on the database of the config file `npm start` would use.
import { describe, test, afterEach } from '@jest/globals'
import { expect } from '../support/expect.js'
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { hostname } from 'node:os'
import { openDatabase } from '../../core/db/client.js'
import { acquireDataDirLock, DataDirInUse } from '../../core/db/data-dir-lock.js'
import { sharedDataPath } from '../support/shared-data.js'

const root = path.resolve(import.meta.dirname, '..', '..')
const tsx = path.join(root, 'node_modules', '.bin', 'tsx')
const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crossmargin-lock-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** A process that opens the embedded database in `dataDir` and holds it until killed, as a running server does. */
async function holdDatabase(dataDir: string): Promise<ChildProcess> {
  // .mts: an ES module (top-level await) wherever the temporary directory is.
  const script = path.join(path.dirname(dataDir), 'holder.mts')
  mkdirSync(path.dirname(dataDir), { recursive: true })
  writeFileSync(
    script,
    `import { openDatabase } from ${JSON.stringify(path.join(root, 'core', 'db', 'client.ts'))}
    const db = await openDatabase({ kind: 'pglite', dataDir: ${JSON.stringify(dataDir)} })
    await db.migrate()
    console.log('ready')
    process.on('SIGTERM', async () => { await db.close(); process.exit(0) })
    setInterval(() => {}, 1000)
  `,
  )
  // One process (node with tsx's loader, not the tsx launcher that runs node as its child): its pid owns the lock.
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  cleanups.push(() => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')))))
  await new Promise<void>((resolve, reject) => {
    let err = ''
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve())
    child.once('exit', (code) => reject(new Error(`holder exited ${code}: ${err}`)))
  })
  return child
}

describe('the embedded database is one process’s at a time', () => {
  test('a second process is refused with the owner’s pid, and the owner’s data is intact', async () => {
    const dataDir = path.join(tempDir(), 'pgdata')
    const holder = await holdDatabase(dataDir)
    const error = await openDatabase({ kind: 'pglite', dataDir }).then(
      () => null,
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(DataDirInUse)
    expect((error as DataDirInUse).ownerPid).toBe(holder.pid)
    expect((error as Error).message).toContain(`in use by process ${holder.pid}`)
    // Once the owner stops, the database opens and is whole (its migrations are there).
    await new Promise<void>((resolve) => (holder.once('exit', () => resolve()), holder.kill('SIGTERM')))
    const db = await openDatabase({ kind: 'pglite', dataDir })
    cleanups.push(() => db.close())
    const applied = await db.withRunner((r) => r.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`))
    expect(applied[0]!.n).toBeGreaterThan(0)
  })

  test('a lock left by a process that died (SIGKILL) is taken over', async () => {
    const dataDir = path.join(tempDir(), 'pgdata')
    const holder = await holdDatabase(dataDir)
    await new Promise<void>((resolve) => (holder.once('exit', () => resolve()), holder.kill('SIGKILL')))
    expect(existsSync(`${dataDir}.lock`)).toBe(true)
    const db = await openDatabase({ kind: 'pglite', dataDir })
    await db.close()
    expect(existsSync(`${dataDir}.lock`)).toBe(false)
  })

  test('a lock naming a live pid that was reused by another process (other start time) is taken over', () => {
    const dataDir = path.join(tempDir(), 'pgdata')
    // This very process is alive, but the lock says its owner started at another time: the owner is gone.
    writeFileSync(`${dataDir}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), startTicks: '1', command: 'a dead server' }))
    const lock = acquireDataDirLock(dataDir)
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid)
    lock.release()
    expect(existsSync(lock.path)).toBe(false)
  })

  test('every script beside a running server says which process holds the database, exits 1 and writes nothing', async () => {
    const dir = tempDir()
    // The config names its own data directory: the scripts must use it, not ./.crossmargin.
    const configFile = path.join(dir, 'crossmargin.yaml')
    writeFileSync(configFile, `dataDir: ${JSON.stringify(path.join(dir, 'data'))}\nportfolios: []\n`)
    const holder = await holdDatabase(path.join(dir, 'data', 'pgdata'))
    const env = { ...process.env, DATABASE_URL: '', CROSSMARGIN_DATA_DIR: '' }
    const commands = [
      ['scripts/api-key.ts', 'create', '--name', 'ops', '--admin', '--config', configFile],
      ['scripts/migrate.ts', '--config', configFile],
      ['scripts/load-prices.ts', sharedDataPath('prices'), '--config', configFile],
    ]
    for (const args of commands) {
      const outcome = await promisify(execFile)(tsx, args, { cwd: root, env }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
      )
      expect(outcome.code, args[0]).toBe(1)
      expect(outcome.stderr, args[0]).toContain(`in use by process ${holder.pid}`)
      expect(outcome.stderr, args[0]).not.toMatch(/\n\s+at /) // one line, no stack trace
    }
  })
})
