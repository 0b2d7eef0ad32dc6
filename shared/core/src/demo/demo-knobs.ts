import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { retryableError } from '../errors';

/**
 * The demo profile's knobs for a consumer, off by default: extra time per
 * message (to replay the classic "2 s email, 3 s PDF" story) and a fraction
 * of attempts that fail with a retryable error (to watch retries and the DLQ
 * happen). A service's entry file wraps its handler with `withDemoKnobs`;
 * nothing on the runtime's own path knows about them.
 */
export const demoVariables = {
  SIMULATED_LATENCY_MS: z.coerce.number().int().nonnegative().default(0),
  FAILURE_RATE: z.coerce.number().min(0, 'expected 0..1').max(1, 'expected 0..1').default(0),
};

export interface DemoKnobs {
  SIMULATED_LATENCY_MS: number;
  FAILURE_RATE: number;
}

export const SIMULATED_FAILURE = 'SIMULATED.FAILURE';

/**
 * Wraps a handler so the knobs act before the real work: a simulated failure
 * must never follow a real side effect, or it would only exercise the
 * duplicate path instead of the retry path. With both knobs at 0 it returns
 * the handler itself.
 */
export function withDemoKnobs<Event, Context extends { signal: AbortSignal }, Result>(
  knobs: DemoKnobs,
  handler: (event: Event, context: Context) => Promise<Result>,
): (event: Event, context: Context) => Promise<Result> {
  if (knobs.SIMULATED_LATENCY_MS === 0 && knobs.FAILURE_RATE === 0) return handler;
  return async (event, context) => {
    if (knobs.SIMULATED_LATENCY_MS > 0) {
      await sleep(knobs.SIMULATED_LATENCY_MS, undefined, { signal: context.signal });
    }
    if (Math.random() < knobs.FAILURE_RATE) {
      throw retryableError(SIMULATED_FAILURE, `simulated failure (FAILURE_RATE=${knobs.FAILURE_RATE})`);
    }
    return handler(event, context);
  };
}
