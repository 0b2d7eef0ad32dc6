export { inboxClaim } from './inbox-claim';
export { createPrismaClient, Prisma, PrismaClient, type TransactionClient } from './prisma-client';
