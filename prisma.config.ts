// Prisma 7 reads its settings here instead of from schema.prisma and no longer
// loads .env by itself. https://www.prisma.io/docs/orm/reference/prisma-config-reference
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres:postgres@localhost:5432/shop',
  },
});
