import { defineEvent } from '@shop/shared/events';
import { z } from 'zod';
import { outcomeFields } from './outcome-fields';

/** `email.confirmation.sent` v1: the order's confirmation email was accepted by the SMTP server. */
export const ConfirmationSentV1 = defineEvent({
  type: 'email.confirmation.sent',
  version: 1,
  data: z.object({ ...outcomeFields, recipient: z.email(), messageId: z.string().min(1) }),
});
