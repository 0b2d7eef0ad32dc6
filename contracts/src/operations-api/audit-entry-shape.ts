import { z } from 'zod';
import { instant } from './instant';

/** One line of the operators' record: who replayed, discarded, paused or resumed what, and why. */
export const auditEntry = z.object({
  id: z.string(),
  at: instant,
  action: z.enum(['replay', 'discard', 'pause', 'resume']),
  service: z.string(),
  deadLetterId: z.string().nullable(),
  messageId: z.string().nullable(),
  orderId: z.string().nullable(),
  actor: z.string(),
  reason: z.string().nullable(),
  lastError: z.string().nullable(),
});
