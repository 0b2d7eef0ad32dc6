import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';
// Global setup runs outside Jest's module resolver, so it imports the sources by path.
import { createPrismaClient } from '../contracts/src/database';
import { migrateDatabase } from '../scripts/database';
import { seedDatabase } from '../scripts/seed';
import { TEST_METRICS_TOKEN } from './metrics-token';

/**
 * Gives the whole run its own database and queue-name prefix, and fails the
 * run at once, with the reason, when RabbitMQ or Postgres is not there. Tests
 * never skip because a service is missing.
 */
export default async function globalSetup() {
  const runId = `t${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const amqpUrl = process.env.AMQP_URL || 'amqp://guest:guest@localhost:5672';
  const baseDatabaseUrl = process.env.DATABASE_URL || 'postgresql://postgres:postgres@localhost:5432/shop';

  try {
    const connection = await connect(amqpUrl);
    await connection.close();
  } catch (error) {
    throw new Error(
      `The tests need RabbitMQ at ${amqpUrl} (set AMQP_URL to change it): ${String(error)}.\n` +
        'Start it with `docker compose up -d rabbitmq` or `rabbitmq-server -detached`.',
    );
  }

  const databaseUrl = new URL(baseDatabaseUrl);
  databaseUrl.pathname = `/shop_${runId}`;
  try {
    await migrateDatabase(databaseUrl.toString());
    const prisma = createPrismaClient(databaseUrl.toString(), { poolSize: 1 });
    await seedDatabase(prisma).finally(() => prisma.$disconnect());
  } catch (error) {
    throw new Error(
      `The tests need Postgres at ${baseDatabaseUrl} (set DATABASE_URL to change it): ${String(error)}.\n` +
        'Start it with `docker compose up -d postgres`.',
    );
  }

  // Workers start after this and inherit the environment.
  process.env.TEST_RUN_ID = runId;
  // Every service the tests start serves /metrics to this bearer token only (test/support.ts).
  process.env.METRICS_TOKEN = TEST_METRICS_TOKEN;
  process.env.AMQP_URL = amqpUrl;
  process.env.DATABASE_URL = databaseUrl.toString();
}
