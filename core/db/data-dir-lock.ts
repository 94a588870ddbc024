// One process at a time on an embedded database: PGlite is a single-user PostgreSQL, and two processes writing one
// data directory corrupt it (seen: a key created beside a running server vanished, a second writer left the database
// unopenable). A lock file beside the directory names the owner; a second process is refused with that name.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'

/** Another live process holds the embedded database. */
export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
    ownerCommand: string | null,
  ) {
    super(
      `the embedded database at ${dataDir} is in use by process ${ownerPid}${ownerCommand ? ` (${ownerCommand})` : ''}: ` +
        'stop that process first, or give every process one PostgreSQL server with DATABASE_URL',
    )
    this.name = 'DataDirInUse'
  }
}

export interface DataDirLock {
  readonly path: string
  release(): void
}

interface LockOwner {
  pid: number
  host: string
  /** The owner's start time as the kernel counts it (/proc/<pid>/stat field 22), to tell a reused pid apart. */
  startTicks: string | null
  command: string | null
}

/** The kernel's start time of a process, or null where /proc does not say (not Linux, or no such process). */
function startTicksOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}

function isAlive(owner: LockOwner): boolean {
  // A lock written on another machine (a shared volume) cannot be checked from here: treat it as held.
  if (owner.host !== hostname()) return true
  try {
    process.kill(owner.pid, 0)
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  // Same pid, different start time: the owner died and the pid was reused by an unrelated process.
  const ticks = startTicksOf(owner.pid)
  return owner.startTicks === null || ticks === null || ticks === owner.startTicks
}

function readOwner(lockPath: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockOwner>
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return null
    return { pid: parsed.pid, host: parsed.host, startTicks: parsed.startTicks ?? null, command: parsed.command ?? null }
  } catch {
    return null
  }
}

/**
 * Takes the lock of `dataDir` (the file `<dataDir>.lock`) or throws `DataDirInUse` naming the live owner. A lock
 * left by a process that died (SIGKILL, a crash) is taken over. Released by `release()` and at process exit.
 */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const lockPath = `${dataDir}.lock`
  const me: LockOwner = { pid: process.pid, host: hostname(), startTicks: startTicksOf(process.pid), command: process.argv.slice(1).join(' ').slice(0, 200) || null }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // 'wx': created only if absent, atomically; two processes racing for a free lock cannot both win.
      const fd = openSync(lockPath, 'wx')
      writeSync(fd, JSON.stringify(me))
      closeSync(fd)
      let released = false
      const release = () => {
        if (released) return
        released = true
        process.off('exit', release)
        // Remove only a lock that is still ours.
        if (readOwner(lockPath)?.pid === me.pid) unlinkSync(lockPath)
      }
      process.on('exit', release)
      return { path: lockPath, release }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const owner = readOwner(lockPath)
    if (owner && isAlive(owner)) throw new DataDirInUse(dataDir, owner.pid, owner.command)
    // Stale (its owner is gone) or unreadable (a crash mid-write): remove it and try once more.
    try {
      unlinkSync(lockPath)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  const owner = readOwner(lockPath)
  throw new DataDirInUse(dataDir, owner?.pid ?? -1, owner?.command ?? null)
}
