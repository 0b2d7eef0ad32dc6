import { randomUUID } from 'node:crypto';
import { anOrderCompletedEvent } from '../../../test/order-events';
import { ServiceProcess } from '../../../test/service-process';
import { SmtpSink } from '../../../test/smtp-sink';
import { sleep, waitFor } from '../../../test/support';
import { TestShop } from '../../../test/test-shop';

/**
 * A deploy or a scale-down while SMTP is slow: SIGTERM reaches an email
 * process whose send waits for the server's 250. The timeouts keep the
 * defaults' proportions (a send may take 19 s of a 20 s handler timeout, as
 * 20 s of 30 s), and the server holds the message 17 s, longer than the
 * 10 s a stop used to wait before handing in-flight messages back to the
 * queue, and than the 5 s more it gave the process to exit.
 */

describe('email service stopped mid-send', () => {
  let shop: TestShop;
  let smtp: SmtpSink;
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    shop = await TestShop.open('email-shutdown', '100ms,200ms');
    smtp = await SmtpSink.start();
  });

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()));
    await smtp?.stop();
    await shop?.close();
  });

  test('When SIGTERM arrives while the SMTP server holds the message, then the process exits 0 once it is sent, the customer gets one email, and a process started after sends nothing more', async () => {
    const env = {
      ...shop.env,
      SMTP_URL: smtp.url,
      HANDLER_TIMEOUT_MS: '20000',
      SMTP_SEND_TIMEOUT_MS: '19000',
      SMTP_CONNECT_TIMEOUT_MS: '1000',
    };
    const first = await ServiceProcess.start('email', env);
    processes.push(first);
    const address = `${randomUUID()}@example.com`;
    const event = anOrderCompletedEvent({ customer: { email: address, name: 'Ada Lovelace' } });
    smtp.stallOnce(address, 'message', 17_000);

    await shop.publish(event);
    await waitFor('the send under way', () => smtp.begun.some((recipients) => recipients.includes(address)));
    const { code } = await first.stop('SIGTERM');
    // Read as the process is gone: what the server had accepted by then.
    const acceptedBeforeExit = smtp.mailsTo(address).length;

    expect(code).toBe(0);
    expect(acceptedBeforeExit).toBe(1);
    await shop.waitForOutcome(event.data.orderId, 'email.confirmation.sent');

    const second = await ServiceProcess.start('email', env);
    processes.push(second);
    // Long enough for the second process to take and handle anything the first left in the queue.
    await sleep(2_000);
    expect(await shop.inspector.depth(shop.queuesOf('email').workQueue)).toBe(0);
    expect(smtp.mailsTo(address)).toHaveLength(1);
  }, 90_000);
});
