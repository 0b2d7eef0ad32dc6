/**
 * Database migrations, without the Prisma CLI (whose native engine cannot be downloaded offline).
 *
 *   npm run migrate                    create the database if missing, apply pending migrations, seed the catalogue
 *   npm run migrate -- --check         exit 1 and print the SQL when schema.prisma and the migrations differ
 *   npm run migrate -- --create <name> write prisma/migrations/<timestamp>_<name> from that difference
 *
 * The compose file runs the compiled copy (scripts/dist/migrate.js) before the services start.
 * Migrating waits for Postgres to accept connections, for at most MIGRATE_WAIT (default 60s):
 * in compose it may start while Postgres still initialises its volume.
 */

import { databaseVariables, duration, loadConfig } from '@shared/core/config';
import { createPrismaClient } from '@shop/contracts/database';
import { Command } from 'commander';
import {
  checkMigrationDrift,
  createMigration,
  migrateDatabase,
  PostgresUnreachable,
  redact,
  waitForPostgres,
} from './database';
import { CATALOGUE, seedDatabase } from './seed';

// The same variable and default as every service: a machine with Postgres running needs no configuration.
const { DATABASE_URL: databaseUrl, MIGRATE_WAIT: waitMs } = loadConfig({
  ...databaseVariables,
  MIGRATE_WAIT: duration('60s'),
});

const program = new Command('migrate')
  .option('--check', 'fail when schema.prisma and prisma/migrations differ')
  .option('--create <name>', 'write a new migration from schema.prisma')
  .action(async (options: { check?: boolean; create?: string }) => {
    if (options.check) {
      const drift = await checkMigrationDrift(databaseUrl);
      if (drift) {
        console.error('schema.prisma and prisma/migrations differ; this SQL would reconcile them:\n');
        console.error(drift);
        console.error('Run `npm run migrate -- --create <name>` to add it as a migration.');
        process.exitCode = 1;
      } else {
        console.log('Migrations match schema.prisma.');
      }
    } else if (options.create) {
      const folder = await createMigration(databaseUrl, options.create);
      console.log(
        folder ? `Created ${folder}` : 'schema.prisma and the migrations match: nothing to create.',
      );
    } else {
      let waited = false;
      await waitForPostgres(databaseUrl, waitMs, (reason) => {
        if (!waited) console.log(`Waiting for Postgres at ${redact(databaseUrl)} (${reason})`);
        waited = true;
      });
      if (waited) console.log('Postgres accepts connections.');
      const { created, applied } = await migrateDatabase(databaseUrl);
      if (created) console.log(`Created database ${new URL(databaseUrl).pathname.slice(1)}.`);
      for (const name of applied) console.log(`Applied ${name}`);
      console.log(applied.length ? `${applied.length} migration(s) applied.` : 'Database is up to date.');
      const prisma = createPrismaClient(databaseUrl, { poolSize: 1 });
      await seedDatabase(prisma).finally(() => prisma.$disconnect());
      console.log(`Catalogue and stock seeded (${CATALOGUE.length} products; existing rows untouched).`);
    }
  });

program.parseAsync().catch((error: Error) => {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const unreachable = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code);
  console.error(
    error instanceof PostgresUnreachable
      ? error.message
      : unreachable
        ? `Cannot reach Postgres at DATABASE_URL (${redact(databaseUrl)}): ${error.message || code}`
        : error,
  );
  process.exitCode = 1;
});
