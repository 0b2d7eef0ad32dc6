import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { createDatabaseIfMissing, dropDatabase } from './database-admin';

/**
 * Prisma's schema engine (diff, apply migrations) compiled to WebAssembly.
 * Prisma 7's CLI downloads a native engine binary instead, which an offline
 * machine cannot fetch; the Wasm build ships inside an npm package and talks to
 * Postgres through the same node-postgres driver adapter as the client.
 * Version: see the note at the end of this file.
 */
type WasmBindings = typeof import('@prisma/schema-engine-wasm');

let bindings: Promise<WasmBindings> | undefined;

// The one WebAssembly call used here; lib "es2023" has no WebAssembly types (they come with lib "dom").
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: Record<string, object>): Promise<{ instance: { exports: object } }>;
};

// The package's entry imports the .wasm file as an ES module, which Node cannot
// do without a flag, so its glue module is loaded and instantiated by hand.
// (An ES module: Jest can load it on Node >= 24.9 only, so call this from Jest's
// global setup or a child process, not from inside a test file.)
async function loadBindings(): Promise<WasmBindings> {
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const bytes = await readFile(path.join(path.dirname(gluePath), 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, {
    './schema_engine_bg.js': withUnrefTimers(glue),
  });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
  return glue as unknown as WasmBindings;
}

/**
 * The engine leaves a housekeeping timer (about 10 s) running after it is
 * freed, which kept every migrate command and test run alive that long after
 * its work was done. Unref'd timers still fire, but no longer hold the process.
 */
function withUnrefTimers(glue: object): object {
  return Object.fromEntries(
    Object.entries(glue).map(([name, value]) => {
      if (!name.startsWith('__wbg_setTimeout_') || typeof value !== 'function') return [name, value];
      const setTimer = value as (...args: unknown[]) => { unref?: () => unknown };
      return [
        name,
        (...args: unknown[]) => {
          const timer = setTimer(...args);
          timer?.unref?.();
          return timer;
        },
      ];
    }),
  );
}

export const noFilters = { externalTables: [], externalEnums: [] };

/**
 * A pool for the engine's connections. Two adjustments:
 * - a parsed config rather than `connectionString`, which in node-postgres
 *   overrides every other field, so a changed `database` would be ignored;
 * - adapter-pg 7.10.1 rejects Postgres's one-byte catalog type "char" (OID 18,
 *   e.g. pg_constraint.contype, which the engine reads to describe a schema)
 *   as "Column type 'char' could not be deserialized". Its text-protocol value
 *   is a one-letter string, so it is reported as text.
 *   https://www.postgresql.org/docs/current/datatype-character.html#DATATYPE-CHARACTER-SPECIAL-TABLE
 */
function enginePool(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool(parseIntoClientConfig(databaseUrl) as pg.PoolConfig);
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<pg.QueryResult>;
  pool.query = (async (...args: unknown[]) => {
    const result = await query(...args);
    for (const field of result.fields ?? []) {
      if (field.dataTypeID === CATALOG_CHAR_OID) field.dataTypeID = TEXT_OID;
    }
    return result;
  }) as pg.Pool['query'];
  return pool;
}
const CATALOG_CHAR_OID = 18;
const TEXT_OID = 25;

/**
 * Diffing against the migrations folder replays it into a shadow database. We
 * make our own rather than use PrismaPg's `connectToShadowDb`, which (7.10.1)
 * drops the shadow database before closing its pool and so fails with
 * "database ... is being accessed by other users", leaving it behind.
 */
function adapterFactory(databaseUrl: string, mainPool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  const main = new PrismaPg(mainPool);
  return {
    provider: main.provider,
    adapterName: main.adapterName,
    connect: async () => wholeScripts(await main.connect(), mainPool),
    async connectToShadowDb() {
      const shadowUrl = new URL(databaseUrl);
      shadowUrl.pathname = `/prisma_shadow_${randomUUID().replaceAll('-', '')}`;
      await createDatabaseIfMissing(shadowUrl.toString());
      const pool = enginePool(shadowUrl.toString());
      const shadow = wholeScripts(await new PrismaPg(pool).connect(), pool);
      const release = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await release();
        await pool.end();
        await dropDatabase(shadowUrl.toString());
      };
      return shadow;
    },
  };
}

/**
 * Sends a migration script to Postgres as one simple-protocol query, as
 * Prisma's native engine does. adapter-pg 7.10.1 splits scripts on every ";",
 * which breaks a statement with a semicolon inside a string or a function
 * body (a trigger function, for one).
 */
function wholeScripts<Adapter extends { executeScript(script: string): Promise<void> }>(
  adapter: Adapter,
  pool: pg.Pool,
): Adapter {
  adapter.executeScript = async (script) => {
    await pool.query(script);
  };
  return adapter;
}

/** Runs `work` with an engine connected to `databaseUrl`, and frees it afterwards. */
export async function withSchemaEngine<T>(databaseUrl: string, work: (engine: SchemaEngine) => Promise<T>) {
  bindings ??= loadBindings();
  const { SchemaEngine } = await bindings;
  const pool = enginePool(databaseUrl);
  try {
    const adapter = bindMigrationAwareSqlAdapterFactory(adapterFactory(databaseUrl, pool));
    const engine = await SchemaEngine.new({ datamodels: undefined }, () => {}, adapter);
    try {
      return await work(engine);
    } finally {
      engine.free();
    }
  } finally {
    await pool.end();
  }
}

/*
 * Why @prisma/schema-engine-wasm 8.1.0-2.59be4fda…: prisma 7.10.1 is built
 * against engines 8.1.0-1.d1b3f377…, whose Wasm package was never published.
 * 8.1.0-2 is the next build of the same line: its .wasm has the same size as
 * the one prisma 7.10.1 bundles (node_modules/prisma/build/schema_engine_bg.wasm)
 * and differs in 206 of 5.4 million bytes (binding names, version string).
 * Checked with diff, shadow-database replay and applyMigrations on Postgres 15.
 * Move it together with prisma: the next engines version is in
 * @prisma/engines-version's package.json.
 */
