// Drives Prisma's wasm schema engine (the npm package @prisma/schema-engine-wasm) directly, because the native
// schema engine the Prisma CLI wants cannot be downloaded here. Same migration format as `prisma migrate`.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The subset of the wasm SchemaEngine API we use. */
export interface WasmSchemaEngine {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string }>;
  applyMigrations(params: unknown): Promise<{ appliedMigrationNames: string[] }>;
  free(): void;
}

export interface WasmRuntime {
  SchemaEngine: { new: (opts: unknown, log: (msg: string) => void, adapter: unknown) => Promise<WasmSchemaEngine> };
}

let runtime: Promise<WasmRuntime> | undefined;

/** Loads and instantiates the wasm module once per process. */
export function loadSchemaEngineRuntime(): Promise<WasmRuntime> {
  runtime ??= (async () => {
    const rt: any = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    // The ES2023 lib has no WebAssembly declarations; the runtime has it.
    const WebAssembly = (globalThis as any).WebAssembly;
    const wasmPath = join(dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const instance = new WebAssembly.Instance(new WebAssembly.Module(await readFile(wasmPath)), { './schema_engine_bg.js': rt });
    rt.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return rt as WasmRuntime;
  })();
  return runtime;
}

export const noFilters = { externalTables: [], externalEnums: [] };
