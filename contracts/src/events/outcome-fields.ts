import { attemptFields } from '@shared/messaging';
import { z } from 'zod';

/**
 * Every outcome event names the order and the attempt it came from (1 for
 * the first delivery, counted on across replays from the DLQ), with when the
 * attempt started and finished: the fields the runtime writes, whatever the
 * handler returned.
 */
export const outcomeFields = { orderId: z.uuid(), ...attemptFields };
