import type { PrismaClient } from '@shop/shared/database';
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
}

/**
 * SMTP cannot join a database transaction, so the order is: look for a
 * recorded send, send, record. A crash between the server's 250 and the
 * commit sends the email once more on redelivery; its Message-ID is the same,
 * so a mailbox can drop it (see the README).
 */
export async function sendConfirmationWhenOrderCompleted(
  event: EventOf<typeof OrderCompletedV1>,
  deps: SendConfirmationDeps,
): Promise<void> {
  const { orderId } = event.data;
  const recorded = await findSentConfirmation(deps.prisma, orderId);
  if (recorded) deps.log.info({ orderId }, 'confirmation already sent; not sending it again');
  const sent = recorded ?? (await sendAndRecord(event, deps));
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

async function sendAndRecord(event: EventOf<typeof OrderCompletedV1>, deps: SendConfirmationDeps) {
  const email = composeConfirmationEmail(event, deps);
  await deps.mailer.send(email);
  const sent = {
    orderId: event.data.orderId,
    eventId: event.id,
    messageId: email.messageId,
    recipient: event.data.customer.email,
  };
  await handleOnce(deps.prisma, 'email', event, (tx) => recordSentConfirmation(tx, sent));
  return sent;
}
