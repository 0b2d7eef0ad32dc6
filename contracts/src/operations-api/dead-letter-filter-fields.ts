import { text } from '@shared/http';
import { z } from 'zod';
import { deadLetterState } from './dead-letter-shape';

/** The filters of a dead-letter search, a dry run and a replay or discard by filter. */
// Every string is text(): the filters reach logs, and actor and reason the audit table.
export const filterFields = {
  state: deadLetterState.optional().meta({ description: 'Default: parked' }),
  order: text().min(1).max(200).optional().meta({ description: 'The order id' }),
  type: text()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'The event type, e.g. checkout.order.completed' }),
  code: text().min(1).max(200).optional().meta({ description: 'The last error code, exactly' }),
  error: text()
    .min(1)
    .max(1_000)
    .optional()
    .meta({ description: 'Text in the last error or its code, any case' }),
  since: z.iso.datetime({ offset: true }).optional().meta({ description: 'Parked at or after' }),
  until: z.iso.datetime({ offset: true }).optional().meta({ description: 'Parked before' }),
};
