import { randomUUID } from 'node:crypto';
import express from 'express';
import { createPrismaClient } from '../../contracts/src/database';

/**
 * The baseline checkout is measured against: Express, JSON parsing, and one
 * INSERT through the same driver (Prisma over node-postgres) per POST.
 * Nothing else: no validation, no payment, no outbox, no logging.
 */
const prisma = createPrismaClient(process.env.DATABASE_URL!, { poolSize: 10 });
const app = express();
app.use(express.json());
app.get('/readyz', (_req, res) => {
  res.json({ status: 'ready' });
});
app.post('/orders', async (req, res) => {
  const id = randomUUID();
  await prisma.$executeRaw`INSERT INTO bench_bare_orders (id, body) VALUES (${id}::uuid, ${JSON.stringify(req.body)}::jsonb)`;
  res.status(201).json({ id });
});

prisma
  .$executeRawUnsafe(
    'CREATE TABLE IF NOT EXISTS bench_bare_orders (id uuid PRIMARY KEY, body jsonb NOT NULL)',
  )
  .then(() => app.listen(Number(process.env.PORT)));
