import { maintenanceUrl } from './database-admin';
import { readMigrations, readSchema, writeMigration } from './prisma-files';
import { noFilters, withSchemaEngine } from './schema-engine';

/**
 * The SQL that would bring the migrations up to schema.prisma, '' when they
 * match. The engine replays the migrations into a throwaway shadow database on
 * the server of `databaseUrl` (the adapter creates and drops it); the database
 * the URL names is never touched and need not exist.
 */
export async function checkMigrationDrift(databaseUrl: string): Promise<string> {
  const [migrations, schema] = await Promise.all([readMigrations(), readSchema()]);
  const { exitCode, stdout } = await withSchemaEngine(maintenanceUrl(databaseUrl), (engine) =>
    engine.diff({
      // With no migration yet, the engine cannot tell the provider (no lock file): start from nothing.
      from: migrations.migrationDirectories.length ? { tag: 'migrations', ...migrations } : { tag: 'empty' },
      to: { tag: 'schemaDatamodel', ...schema },
      script: true,
      // The engine reports a non-empty diff as exit code 2, so we need not parse the script.
      exitCode: true,
      filters: noFilters,
    }),
  );
  return exitCode === 0 ? '' : (stdout ?? '');
}

/**
 * Writes `prisma/migrations/<UTC timestamp>_<name>/migration.sql` from the drift;
 * null when nothing changed. The engine's own `createMigration` cannot use a
 * driver adapter's shadow database in its Wasm build, while `diff` can.
 */
export async function createMigration(databaseUrl: string, name: string): Promise<string | null> {
  const script = await checkMigrationDrift(databaseUrl);
  if (!script) return null;
  const timestamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return writeMigration(`${timestamp}_${slug}`, script);
}
