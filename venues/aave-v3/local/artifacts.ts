// Compiled Aave v3 contracts from @aave/core-v3 (ABI, bytecode, library link references), found by name.
import { createRequire } from 'node:module'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import type { JsonFragment } from 'ethers'
import { z } from 'zod'

/** A Hardhat artifact as @aave/core-v3 ships it; the ABI's entries are handed to ethers as they are. */
const ArtifactSchema = z.object({
  contractName: z.string(),
  abi: z.array(z.custom<JsonFragment>((entry) => typeof entry === 'object' && entry !== null && 'type' in entry, 'is not an ABI entry')),
  bytecode: z.string(),
  linkReferences: z.record(z.string(), z.record(z.string(), z.array(z.object({ start: z.number(), length: z.number() })))),
})
export type Artifact = z.infer<typeof ArtifactSchema>

let index: Map<string, string> | null = null

function artifactsRoot(): string {
  const require = createRequire(import.meta.url)
  return path.join(path.dirname(require.resolve('@aave/core-v3/package.json')), 'artifacts')
}

function buildIndex(dir: string, into: Map<string, string>): void {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry)
    if (statSync(full).isDirectory()) buildIndex(full, into)
    else if (entry.endsWith('.json') && !entry.endsWith('.dbg.json') && !into.has(entry.slice(0, -5))) into.set(entry.slice(0, -5), full)
  }
}

export function loadArtifact(name: string): Artifact {
  if (!index) {
    index = new Map()
    buildIndex(artifactsRoot(), index)
  }
  const file = index.get(name)
  if (!file) throw new Error(`no @aave/core-v3 artifact named ${name}`)
  return ArtifactSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
}

/** Bytecode with every library placeholder replaced by the deployed library's address. */
export function linkBytecode(artifact: Artifact, libraries: Record<string, string>): string {
  let code = artifact.bytecode.startsWith('0x') ? artifact.bytecode.slice(2) : artifact.bytecode
  for (const byName of Object.values(artifact.linkReferences ?? {})) {
    for (const [name, refs] of Object.entries(byName)) {
      const address = libraries[name]
      if (!address) throw new Error(`${artifact.contractName} needs library ${name}, which was not deployed`)
      for (const ref of refs) {
        code = code.slice(0, ref.start * 2) + address.slice(2).toLowerCase() + code.slice((ref.start + ref.length) * 2)
      }
    }
  }
  return `0x${code}`
}
