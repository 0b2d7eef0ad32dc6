export { dropDatabase } from './database-admin';
export { migrateDatabase } from './migrate-database';
export { checkMigrationDrift, createMigration } from './migration-drift';
export { PostgresUnreachable, redact, waitForPostgres } from './wait-for-postgres';
