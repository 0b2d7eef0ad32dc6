import { z } from 'zod';
import { positiveInt } from './variable-kinds';

export const databaseVariables = {
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected a postgresql:// URL')
    .default('postgresql://postgres:postgres@localhost:5432/shop'),
  /** Connections per process; keep PREFETCH below it so every in-flight message can get one. */
  DATABASE_POOL_SIZE: positiveInt(10),
};
