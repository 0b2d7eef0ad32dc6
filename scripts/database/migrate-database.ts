import { createDatabaseIfMissing } from './database-admin';
import { readMigrations } from './prisma-files';
import { noFilters, withSchemaEngine } from './schema-engine';

/**
 * What `prisma migrate deploy` does: applies the migrations not yet recorded in
 * `_prisma_migrations`, each in order, never generating anything. Safe to run on
 * every start and from several replicas (the engine takes an advisory lock).
 */
export async function migrateDatabase(databaseUrl: string): Promise<{ created: boolean; applied: string[] }> {
  const created = await createDatabaseIfMissing(databaseUrl);
  const migrationsList = await readMigrations();
  const { appliedMigrationNames } = await withSchemaEngine(databaseUrl, (engine) =>
    engine.applyMigrations({ migrationsList, filters: noFilters }),
  );
  return { created, applied: appliedMigrationNames };
}
