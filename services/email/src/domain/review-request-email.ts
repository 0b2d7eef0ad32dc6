import type { EventOf } from '@shared/messaging';
import type { ReviewRequestDueV1 } from '@shop/contracts/events';
import type { OutgoingEmail } from '../smtp/smtp-mailer';
import { escapeHtml } from './confirmation-email';

/** Asks the customer, a while after the order, what they think of what they bought. */
export function composeReviewRequestEmail(
  job: EventOf<typeof ReviewRequestDueV1>,
  options: { messageIdDomain: string },
): OutgoingEmail {
  const { orderId, customer, items } = job.data;
  const names = [...new Set(items.map((item) => item.name))];
  const text = [
    `Hello ${customer.name},`,
    '',
    `how do you like what you ordered (${orderId})?`,
    '',
    ...names.map((name) => `- ${name}`),
    '',
    'A few words from you help other customers choose. Just reply to this email.',
  ].join('\n');
  const html =
    `<p>Hello ${escapeHtml(customer.name)},</p>` +
    `<p>how do you like what you ordered (<strong>${orderId}</strong>)?</p>` +
    `<ul>${names.map((name) => `<li>${escapeHtml(name)}</li>`).join('')}</ul>` +
    '<p>A few words from you help other customers choose. Just reply to this email.</p>';
  return {
    kind: 'review-request',
    to: { name: customer.name, address: customer.email },
    subject: `How was your order ${orderId}?`,
    text,
    html,
    messageId: `<review-request.${job.id}@${options.messageIdDomain}>`,
  };
}
