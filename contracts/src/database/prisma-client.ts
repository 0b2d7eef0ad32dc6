import { PrismaPg } from '@prisma/adapter-pg';
import { type Prisma, PrismaClient } from './generated/client';

export { Prisma, PrismaClient } from './generated/client';

/** The client handed to `prisma.$transaction(async (tx) => ...)`. */
export type TransactionClient = Prisma.TransactionClient;

/**
 * Prisma 7 talks to Postgres through a driver adapter (node-postgres here)
 * instead of a bundled native engine. https://www.prisma.io/docs/orm/overview/databases/database-drivers
 */
export function createPrismaClient(databaseUrl: string, options: { poolSize?: number } = {}): PrismaClient {
  // Keep the pool larger than a consumer's prefetch, so every in-flight message can get a connection.
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}
