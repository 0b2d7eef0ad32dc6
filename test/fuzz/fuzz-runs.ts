import type fc from 'fast-check';

/**
 * How many requests the HTTP fuzz test sends per property, and the seed of
 * each property's run.
 */

/** Requests per property: 10,000 in all. FUZZ_SCALE=10 runs ten times as many, for a longer search. */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
export const RUNS = {
  orders: 3_200 * SCALE,
  checkoutReads: 1_600 * SCALE,
  admin: 1_500 * SCALE,
  inventory: 1_500 * SCALE,
  pdf: 1_200 * SCALE,
  analytics: 600 * SCALE,
  email: 400 * SCALE,
};
export const TOTAL_RUNS = Object.values(RUNS).reduce((sum, runs) => sum + runs, 0);

/** Each property's seed, printed at the end; FUZZ_SEED (and FUZZ_PATH, from a failure's report) replay one. */
export const seeds: Record<string, number> = {};
export function settings(property: string, numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
  seeds[property] = seed;
  return { numRuns, seed, ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) };
}
