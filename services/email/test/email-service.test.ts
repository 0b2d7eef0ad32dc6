import { randomUUID } from 'node:crypto';
import { HEADERS } from '@shared/messaging';
import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { anOrderCompletedEvent } from '../../../test/order-events';
import { ServiceProcess } from '../../../test/service-process';
import { SmtpSink } from '../../../test/smtp-sink';
import { databaseUrl, sleep } from '../../../test/support';
import { TestShop } from '../../../test/test-shop';

/**
 * The email service as a real process, against RabbitMQ, Postgres and an SMTP
 * server started here.
 */

describe('email service', () => {
  let shop: TestShop;
  let smtp: SmtpSink;
  let email: ServiceProcess;
  let prisma: PrismaClient;

  const anOrderFor = (address: string) =>
    anOrderCompletedEvent({ customer: { email: address, name: 'Ada <Lovelace>' } });
  const sentRows = (orderId: string) => prisma.sentEmail.count({ where: { orderId } });

  beforeAll(async () => {
    prisma = createPrismaClient(databaseUrl(), { poolSize: 2 });
    shop = await TestShop.open('email');
    smtp = await SmtpSink.start();
    email = await ServiceProcess.start('email', {
      ...shop.env,
      SMTP_URL: smtp.url,
      SMTP_CONNECT_TIMEOUT_MS: '1000',
      RECEIPTS_BASE_URL: 'http://receipts.test:3002',
    });
  });

  afterAll(async () => {
    await email?.stop();
    await smtp?.stop();
    await shop?.close();
    await prisma?.$disconnect();
  });

  test('When an order completes, then one confirmation with the order, its lines, the total and the receipt link reaches the customer', async () => {
    const address = `${randomUUID()}@example.com`;
    const event = anOrderFor(address);
    const { orderId } = event.data;

    await shop.publish(event);

    const [mail] = await smtp.waitForMailsTo(address, 1);
    const { parsed } = mail!;
    expect(parsed.subject).toContain(orderId);
    expect(parsed.messageId).toBe(`<order-confirmation.${event.id}@shop.example>`);
    const receiptUrl = `http://receipts.test:3002/receipts/${orderId}.pdf`;
    expect(parsed.text).toContain('2 x A book (BOOK-1) at €15.00 = €30.00');
    expect(parsed.text).toContain('Total: €30.00');
    expect(parsed.text).toContain(receiptUrl);
    expect(parsed.html).toContain('<td>A book (BOOK-1)</td><td>2</td><td>€15.00</td><td>€30.00</td>');
    expect(parsed.html).toContain(`href="${receiptUrl}"`);
    expect(parsed.html).toContain('Ada &lt;Lovelace&gt;');
    const sent = await shop.waitForOutcome(orderId, 'email.confirmation.sent');
    expect(sent.data).toEqual({
      orderId,
      attempt: 1,
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      recipient: address,
      messageId: parsed.messageId,
    });
    const { startedAt, finishedAt } = sent.data as { startedAt: string; finishedAt: string };
    expect(Date.parse(finishedAt)).toBeGreaterThanOrEqual(Date.parse(startedAt));
    expect(sent.correlationId).toBe(event.correlationId);
    expect(await sentRows(orderId)).toBe(1);
  });

  test('When the same OrderCompleted arrives twice, then the customer still gets one email', async () => {
    const address = `${randomUUID()}@example.com`;
    const event = anOrderFor(address);

    await shop.publish(event);
    await shop.waitForOutcome(event.data.orderId, 'email.confirmation.sent');
    await shop.publish(event);

    await shop.waitForOutcomes(event.data.orderId, 'email.confirmation.sent', 2);
    await sleep(300);
    expect(smtp.mailsTo(address)).toHaveLength(1);
    expect(await sentRows(event.data.orderId)).toBe(1);
  });

  test('When the same OrderCompleted arrives twice at once, then the customer still gets one email', async () => {
    // The slow server keeps the first send open while the second delivery arrives.
    const address = `${randomUUID()}@${SmtpSink.SLOW_DOMAIN}`;
    const event = anOrderFor(address);

    await Promise.all([shop.publish(event), shop.publish(event)]);

    await shop.waitForOutcomes(event.data.orderId, 'email.confirmation.sent', 2);
    await sleep(300);
    expect(smtp.mailsTo(address)).toHaveLength(1);
    expect(await sentRows(event.data.orderId)).toBe(1);
  });

  test('When the SMTP server rejects the address with 550, then the message goes to the DLQ at once with the server reply', async () => {
    const address = `nobody-${randomUUID().slice(0, 8)}@${SmtpSink.REJECTED_DOMAIN}`;
    const event = anOrderFor(address);

    await shop.publish(event);

    const [parked] = await shop.inspector.take(shop.queuesOf('email').deadLetterQueue, 1);
    const headers = parked!.properties.headers ?? {};
    expect(parked!.properties.messageId).toBe(event.id);
    expect(headers[HEADERS.deadLetterReason]).toBe('permanent-error');
    expect(headers[HEADERS.lastErrorCode]).toBe('EMAIL.ADDRESS_REJECTED');
    expect(headers[HEADERS.lastError]).toMatch(/^550 5\.1\.1 <.+>: Recipient address rejected/);
    expect(headers[HEADERS.attempt]).toBe(1);
    const deadLettered = await shop.waitForOutcome(event.data.orderId, 'email.task.dead-lettered');
    expect(deadLettered.data).toMatchObject({ attempt: 1, reason: 'permanent-error' });
    expect((deadLettered.data as { error: string }).error).toContain('550');
    expect(await sentRows(event.data.orderId)).toBe(0);
  });

  test('When the SMTP server is down, then every tier is tried, the message lands in the DLQ with the SMTP error, and a replay after it is back sends one email as attempt 4', async () => {
    const address = `${randomUUID()}@example.com`;
    const event = anOrderFor(address);
    const { orderId } = event.data;
    await smtp.stop();

    await shop.publish(event);

    const deadLettered = await shop.waitForOutcome(orderId, 'email.task.dead-lettered');
    const failures = (await shop.outcomesFor(orderId)).filter((o) => o.type === 'email.task.failed');
    expect(failures.map((failure) => failure.data)).toEqual([
      expect.objectContaining({ attempt: 1, retryIn: '100ms' }),
      expect.objectContaining({ attempt: 2, retryIn: '200ms' }),
    ]);
    expect(deadLettered.data).toMatchObject({ attempt: 3, reason: 'retries-exhausted' });
    await smtp.listen();
    const [parked] = await shop.replayDeadLetters('email');
    expect(parked!.properties.headers?.[HEADERS.deadLetterReason]).toBe('retries-exhausted');
    expect(parked!.properties.headers?.[HEADERS.lastErrorCode]).toBe('EMAIL.SMTP_UNREACHABLE');
    expect(parked!.properties.headers?.[HEADERS.lastError]).toContain('ECONNREFUSED');

    await smtp.waitForMailsTo(address, 1);
    const sent = await shop.waitForOutcome(orderId, 'email.confirmation.sent');
    // The three attempts before the replay still count: this is the fourth.
    expect(sent.data).toMatchObject({ attempt: 4 });
    await sleep(300);
    expect(smtp.mailsTo(address)).toHaveLength(1);
    expect(await sentRows(orderId)).toBe(1);
  });
});
