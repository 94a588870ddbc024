// Loads Prisma's schema engine compiled to WebAssembly, so schema diffs run offline with a driver adapter
// (the CLI's native engine is a download that is not reachable everywhere crossmargin runs).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import type { SchemaEngine } from '@prisma/schema-engine-wasm'

type WasmExports = Record<string, unknown>
type Bindings = typeof import('@prisma/schema-engine-wasm/schema_engine_bg') & {
  __wbg_set_wasm(exports: WasmExports): void
}
// Node has WebAssembly at runtime; the ES2023 lib without DOM does not declare it.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: WasmExports } }>
}

let bindingsPromise: Promise<Bindings> | null = null

async function loadBindings(): Promise<Bindings> {
  // The package imports its .wasm as an ES module, which Node 20 cannot; instantiate it by hand instead.
  const bindings = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as Bindings
  const require = createRequire(import.meta.url)
  const packageDir = path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg'))
  const bytes = readFileSync(path.join(packageDir, 'schema_engine_bg.wasm'))
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': bindings })
  bindings.__wbg_set_wasm(instance.exports)
  ;(instance.exports.__wbindgen_start as () => void)()
  return bindings
}

export async function openSchemaEngine(
  schema: string,
  adapter: SqlMigrationAwareDriverAdapterFactory,
): Promise<SchemaEngine> {
  bindingsPromise ??= loadBindings()
  const bindings = await bindingsPromise
  // The engine calls the adapter through the error-capturing wrapper Prisma's own CLI uses.
  return bindings.SchemaEngine.new({ datamodels: [['schema.prisma', schema]] }, () => {}, bindMigrationAwareSqlAdapterFactory(adapter))
}

/** SQL that takes `from` (empty, or the migrations already written) to the datamodel in `schema`. */
export async function diffSchemaScript(
  engine: SchemaEngine,
  schema: string,
  from: 'empty' | { migrationsDir: string; migrations: { name: string; sql: string }[] },
): Promise<string> {
  const fromTarget =
    from === 'empty'
      ? { tag: 'empty' as const }
      : {
          tag: 'migrations' as const,
          baseDir: from.migrationsDir,
          lockfile: { path: 'migration_lock.toml', content: 'provider = "postgresql"\n' },
          migrationDirectories: from.migrations.map((m) => ({
            path: m.name,
            migrationFile: { path: 'migration.sql', content: { tag: 'ok' as const, value: m.sql } },
          })),
          shadowDbInitScript: '',
        }
  const result = await engine.diff({
    from: fromTarget,
    to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  })
  return result.stdout ?? ''
}
