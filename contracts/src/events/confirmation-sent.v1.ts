import { defineEvent } from '@shared/messaging';
import { z } from 'zod';
import { outcomeFields } from './outcome-fields';

/** `email.confirmation.sent` v1: the order's confirmation email was accepted by the SMTP server. */
export const ConfirmationSentV1 = defineEvent({
  type: 'email.confirmation.sent',
  version: 1,
  summary: "The order's confirmation email was accepted by the SMTP server",
  description:
    "The email service's outcome of its task for an order: published once the SMTP server accepted the confirmation (its 250) and the send was recorded, naming the recipient and the email's Message-ID. A redelivered order event sends nothing and reports the same again. Checkout shows the order's `email` task as completed.",
  data: z.object({ ...outcomeFields, recipient: z.email(), messageId: z.string().min(1) }),
});
