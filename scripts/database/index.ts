export { dropDatabase } from './database-admin';
export { migrateDatabase } from './migrate-database';
export { checkMigrationDrift, createMigration } from './migration-drift';
