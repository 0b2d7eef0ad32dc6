import { text } from '@shared/http';
import { z } from 'zod';

/** The dead letters an operator picked, by id: exactly those are acted on. */
export const ids = z.array(z.uuid()).min(1).max(1_000);
/** Who acts, as the caller names itself (the CLI sends user@host); recorded beside the API's own name. */
export const actor = text().trim().min(1).max(100).optional();

export const service = z.object({
  service: z.string().meta({ description: 'A consuming service: email, pdf...' }),
});
export const skippedEntry = z.object({
  id: z.string(),
  state: z.enum(['parked', 'replayed', 'discarded', 'missing']).meta({
    description: '`parked`: another replay has it in hand; `missing`: not a dead letter of this service',
  }),
});
