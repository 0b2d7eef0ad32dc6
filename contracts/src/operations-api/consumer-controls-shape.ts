import { z } from 'zod';
import { instant } from './instant';

/** A consuming service's controls as the operators' API shows them. */
export const consumerControls = z.object({
  service: z.string(),
  paused: z.boolean(),
  pausedAt: instant.nullable(),
  pausedBy: z.string().nullable(),
  circuit: z.object({
    state: z.string(),
    openedAt: instant.nullable(),
    until: instant.nullable(),
    lastError: z.string().nullable(),
  }),
  consumers: z.number().int().nullable().meta({ description: "Consumers on the service's work queue" }),
  rateLimit: z.string().nullable(),
});
