import type { PrismaClient, TransactionClient } from '@shop/shared/database';
import { ConfirmationSentV1, createEvent, type EventOf, type OrderCompletedV1 } from '@shop/shared/events';
import { type Broker, type HandlerContext, handleOnce } from '@shop/shared/messaging';
import { findSentConfirmation, recordSentConfirmation } from '../data/sent-confirmations';
import { composeConfirmationEmail } from '../domain/confirmation-email';
import type { Mailer } from '../smtp/smtp-mailer';

export interface SendConfirmationDeps extends HandlerContext {
  prisma: PrismaClient;
  mailer: Mailer;
  broker: Pick<Broker, 'publish'>;
  receiptsBaseUrl: string;
  messageIdDomain: string;
  /** The inbox transaction stays open across the SMTP send, so it may take this long. */
  transactionTimeoutMs: number;
}

/**
 * SMTP cannot join a database transaction, so the send happens inside the
 * inbox transaction, between claiming the event id and committing the record:
 * a second delivery of the same event (another worker, an outbox re-publish)
 * waits on the claimed id until this one commits, then skips. A crash between
 * the server's 250 and the commit rolls the claim back, and the redelivery
 * sends once more with the same Message-ID, so a mailbox can drop it (see the
 * README). A record under another event id for the same order also skips.
 */
export async function sendConfirmationWhenOrderCompleted(
  event: EventOf<typeof OrderCompletedV1>,
  deps: SendConfirmationDeps,
): Promise<void> {
  const { orderId } = event.data;
  const outcome = await handleOnce(
    deps.prisma,
    'email',
    event,
    async (tx) => (await findSentConfirmation(tx, orderId)) ?? (await sendAndRecord(tx, event, deps)),
    { timeoutMs: deps.transactionTimeoutMs },
  );
  const sent = outcome.duplicate ? await findSentConfirmation(deps.prisma, orderId) : outcome.result;
  if (!sent) throw new Error(`event ${event.id} was handled but order ${orderId} has no sent confirmation`);
  if (outcome.duplicate) deps.log.info({ orderId }, 'confirmation already sent; not sending it again');
  // Published on duplicates too: if the first attempt died before publishing,
  // this is the only way checkout learns the email went out.
  await deps.broker.publish(
    createEvent(
      ConfirmationSentV1,
      { orderId, attempt: deps.attempt, recipient: sent.recipient, messageId: sent.messageId },
      { correlationId: event.correlationId },
    ),
  );
}

async function sendAndRecord(
  tx: TransactionClient,
  event: EventOf<typeof OrderCompletedV1>,
  deps: SendConfirmationDeps,
) {
  const email = composeConfirmationEmail(event, deps);
  await deps.mailer.send(email);
  const sent = {
    orderId: event.data.orderId,
    eventId: event.id,
    messageId: email.messageId,
    recipient: event.data.customer.email,
  };
  await recordSentConfirmation(tx, sent);
  return sent;
}
