import type { HandlerContext } from '@shared/messaging';
import { createEvent, type EventOf } from '@shared/messaging';
import { jobId } from '@shared/operations';
import type { TransactionClient } from '@shop/contracts/database';
import { type OrderCompletedV1, ReviewRequestDueV1 } from '@shop/contracts/events';
import type { SentConfirmations } from '../data/sent-confirmations';
import { composeConfirmationEmail } from '../domain/confirmation-email';
import type { Mailer } from '../smtp/smtp-mailer';

export interface SendConfirmationDeps extends HandlerContext<TransactionClient> {
  confirmations: SentConfirmations;
  mailer: Mailer;
  receiptsBaseUrl: string;
  messageIdDomain: string;
  /** How long after the order the customer is asked for a review. */
  reviewRequestDelayMs: number;
}

/**
 * SMTP cannot join a database transaction, so the send happens inside the
 * inbox transaction, after claiming both the event id and the order's
 * confirmation record, and the commit follows the server's 250 at once.
 * Another attempt at the same event or order (another worker, an outbox
 * re-publish) waits on those claims until this one commits, then skips; the
 * transaction outlives the handler's timeout, and the send stops at the
 * handler's signal, so no claim is released while this send may still land.
 *
 * What stays open: a crash (or a lost database) between the server's 250 and
 * the commit rolls the claims back, and the redelivery sends once more with
 * the same Message-ID, so a mailbox can drop it (docs/messaging.md, "Exactly once").
 *
 * The same transaction schedules the order's review request, so it exists
 * exactly when the confirmation went out.
 *
 * Returns what `email.confirmation.sent` reports, on duplicates too: if the
 * first attempt died before its outcome was published, this is how checkout
 * learns the email went out.
 */
export async function sendConfirmationWhenOrderCompleted(
  event: EventOf<typeof OrderCompletedV1>,
  deps: SendConfirmationDeps,
) {
  const { orderId } = event.data;
  const outcome = await deps.inbox.once(
    async (tx) => (await claimAndSend(tx, event, deps)) ?? (await deps.confirmations.find(orderId, tx)),
  );
  const sent = outcome.duplicate ? await deps.confirmations.find(orderId) : outcome.result;
  if (!sent) throw new Error(`event ${event.id} was handled but order ${orderId} has no sent confirmation`);
  if (outcome.duplicate) deps.log.info({ orderId }, 'confirmation already sent; not sending it again');
  return { recipient: sent.recipient, messageId: sent.messageId };
}

/** Sends the confirmation unless the order already has one; returns what was sent, or undefined. */
async function claimAndSend(
  tx: TransactionClient,
  event: EventOf<typeof OrderCompletedV1>,
  deps: SendConfirmationDeps,
) {
  const email = composeConfirmationEmail(event, deps);
  const record = {
    orderId: event.data.orderId,
    eventId: event.id,
    messageId: email.messageId,
    recipient: event.data.customer.email,
  };
  if (!(await deps.confirmations.claim(tx, record))) return undefined;
  await scheduleReviewRequest(tx, event, deps);
  await deps.mailer.send(email, deps.signal);
  return record;
}

/** The review request, due `reviewRequestDelayMs` after the order was placed; one per order whatever the event id. */
async function scheduleReviewRequest(
  tx: TransactionClient,
  event: EventOf<typeof OrderCompletedV1>,
  deps: SendConfirmationDeps,
) {
  const { orderId, customer, items, placedAt } = event.data;
  const dueAt = new Date(Date.parse(placedAt) + deps.reviewRequestDelayMs);
  const job = createEvent(
    ReviewRequestDueV1,
    { orderId, customer, items: items.map(({ sku, name }) => ({ sku, name })), placedAt },
    { id: jobId(`email/review-request/${orderId}`), correlationId: event.correlationId, occurredAt: dueAt },
  );
  await deps.confirmations.scheduleJob(tx, { service: 'email', event: job, dueAt });
}
