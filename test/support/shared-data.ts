// Where the shared, never-committed real data lives: ../shared/data beside the checkout.
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { readFileSync } from 'node:fs'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

export const sharedDataDir = process.env.CROSSMARGIN_SHARED_DATA ?? path.resolve(repoRoot, '..', 'shared', 'data')

export function sharedDataPath(...parts: string[]): string {
  return path.join(sharedDataDir, ...parts)
}

export function readSharedJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(sharedDataPath(...parts), 'utf8')) as T
}
