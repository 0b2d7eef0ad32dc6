import { z } from 'zod';
import { parseDuration } from './retry-delays';

/** A positive whole number, with its default. */
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** A duration variable ("500ms", "2s", "5m", "24h", "7d"), read as milliseconds. */
export const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, context) => {
      const milliseconds = parseDuration(value);
      if (!(milliseconds > 0)) {
        context.addIssue({
          code: 'custom',
          message: `"${value}" is not a duration; use e.g. 500ms, 30s, 2m, 24h`,
        });
        return z.NEVER;
      }
      return milliseconds;
    });
