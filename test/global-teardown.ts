import { dropDatabase } from '../shared/src/database';

export default async function globalTeardown() {
  if (process.env.DATABASE_URL && process.env.TEST_RUN_ID) await dropDatabase(process.env.DATABASE_URL);
}
