import { randomUUID } from 'node:crypto';
import { anOrderCompletedEvent } from '../../../test/order-events';
import { ServiceProcess } from '../../../test/service-process';
import { SmtpSink } from '../../../test/smtp-sink';
import { sleep } from '../../../test/support';
import { TestShop } from '../../../test/test-shop';

/**
 * The email service against an SMTP server that stalls: the cases where an
 * attempt that gave up too early, or was abandoned while still sending, used
 * to deliver a second copy of the confirmation. The handler timeout is 4 s,
 * the whole send may take 3 s, and connecting may take 300 ms. The stalls sit
 * well clear of those bounds, so a busy machine's scheduling delays cannot
 * move a case from one side of a deadline to the other.
 */

describe('email service against a slow SMTP server', () => {
  let shop: TestShop;
  let smtp: SmtpSink;
  let email: ServiceProcess;

  beforeAll(async () => {
    shop = await TestShop.open('email-slow-smtp', '100ms,200ms,400ms');
    smtp = await SmtpSink.start();
    email = await ServiceProcess.start('email', {
      ...shop.env,
      SMTP_URL: smtp.url,
      HANDLER_TIMEOUT_MS: '4000',
      SMTP_SEND_TIMEOUT_MS: '3000',
      SMTP_CONNECT_TIMEOUT_MS: '300',
    });
  });

  afterAll(async () => {
    await email?.stop();
    await smtp?.stop();
    await shop?.close();
  });

  test('When the server takes longer than the send deadline to accept the recipient, then the abandoned attempt sends nothing and the customer gets one email', async () => {
    const address = `${randomUUID()}@example.com`;
    const event = anOrderCompletedEvent({ customer: { email: address, name: 'Ada Lovelace' } });
    smtp.stallOnce(address, 'recipient', 5_000);

    await shop.publish(event);

    const sent = await shop.waitForOutcome(event.data.orderId, 'email.confirmation.sent');
    // Past the moment the stalled session would have delivered, had it been left running.
    await sleep(3_000);
    expect(smtp.mailsTo(address)).toHaveLength(1);
    const failures = (await shop.outcomesFor(event.data.orderId)).filter(
      (outcome) => outcome.type === 'email.task.failed',
    );
    expect(failures.map((failure) => failure.data)).toEqual([expect.objectContaining({ attempt: 1 })]);
    expect(sent.data).toMatchObject({ attempt: 2 });
  });

  test('When the server answers the message later than the connect timeout allows, then the send waits for its 250 and the customer gets one email', async () => {
    const address = `${randomUUID()}@example.com`;
    const event = anOrderCompletedEvent({ customer: { email: address, name: 'Ada Lovelace' } });
    smtp.stallOnce(address, 'message', 1_000);

    await shop.publish(event);

    const sent = await shop.waitForOutcome(event.data.orderId, 'email.confirmation.sent');
    await sleep(1_000);
    expect(smtp.mailsTo(address)).toHaveLength(1);
    expect(sent.data).toMatchObject({ attempt: 1 });
    const failures = (await shop.outcomesFor(event.data.orderId)).filter(
      (outcome) => outcome.type === 'email.task.failed',
    );
    expect(failures).toEqual([]);
  });
});
