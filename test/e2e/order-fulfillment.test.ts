import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { pdfText } from '../pdf-text';
import { sleep, waitFor } from '../support';
import { FULFILLMENT_SERVICES, type OrderView, Stack } from './stack';

/**
 * The whole shop, checkout and every consumer of the registry, against the
 * real RabbitMQ, Postgres, an SMTP server and a webhook receiver started
 * here: an order placed over HTTP, fulfilled by every service exactly once,
 * through duplicates, an SMTP outage and a SIGKILL.
 */

describe('order fulfillment end to end', () => {
  let stack: Stack;
  const newCustomer = () => `${randomUUID()}@example.com`;
  const euros = (cents: number) =>
    new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' }).format(cents / 100);
  const stockOf = async (sku: string) =>
    ((await (await stack.services.inventory.get(`/inventory/${sku}`)).json()) as { onHand: number }).onHand;
  /** Every task of an order but `task`. */
  const tasksBut = (task: string) =>
    SHOP_REGISTRY.tasks.map((entry) => entry.task).filter((other) => other !== task) as (keyof NonNullable<
      OrderView['fulfillment']
    >)[];
  const workQueuesEmpty = async () => {
    for (const service of FULFILLMENT_SERVICES) {
      if ((await stack.shop.inspector.depth(stack.shop.queuesOf(service).workQueue)) > 0) return false;
    }
    return true;
  };

  beforeAll(async () => {
    // Tiers long enough to watch the email task retry through GET /orders/{id}.
    stack = await Stack.start({
      label: 'e2e-order',
      retryDelays: '300ms,600ms,900ms',
      // The SMTP outage below is about retries and the DLQ; the circuit breaker, which would
      // hold the email in its queue instead, has its own test (job-controls).
      envOf: { email: { CIRCUIT_BREAKER_THRESHOLD: '1000' } },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  test('When an order is placed over HTTP, then one email, one receipt, one movement per line, one fact, one webhook, and every task completed', async () => {
    const email = newCustomer();
    const [mugsBefore, stickersBefore] = [await stockOf('MUG-CLASSIC'), await stockOf('STICKER-PACK')];

    const orderId = await stack.placeOrder(email, [
      { sku: 'MUG-CLASSIC', quantity: 2 },
      { sku: 'STICKER-PACK', quantity: 3 },
    ]);

    const order = await stack.waitForAllTasks(orderId, 'completed');
    const total = euros(2 * 1200 + 3 * 400);
    const effects = await stack.effectsOf(orderId, email);
    expect(effects.emails).toHaveLength(1);
    expect(effects.emails[0]!.parsed.subject).toContain(orderId);
    expect(effects.emails[0]!.parsed.text).toContain(`Total: ${total}`);
    expect(effects.files).toEqual([`${orderId}.pdf`]);
    const receipt = await readFile(join(stack.receiptsDir, `${orderId}.pdf`));
    const text = await pdfText(receipt);
    expect(text).toContain(orderId);
    expect(text).toContain(`Total ${total}`);
    const served = await stack.services.pdf.get(`/receipts/${orderId}.pdf`);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(effects.movements.map(({ sku, quantity }) => ({ sku, quantity }))).toEqual(
      expect.arrayContaining([
        { sku: 'MUG-CLASSIC', quantity: 2 },
        { sku: 'STICKER-PACK', quantity: 3 },
      ]),
    );
    expect(effects.movements).toHaveLength(2);
    expect(await stockOf('MUG-CLASSIC')).toBe(mugsBefore - 2);
    expect(await stockOf('STICKER-PACK')).toBe(stickersBefore - 3);
    expect(effects.facts).toBe(1);
    expect(effects.webhooks).toEqual([
      expect.objectContaining({ type: 'checkout.order.completed', duplicates: 0 }),
    ]);
    expect(order.fulfillment!.receipt).toMatchObject({ status: 'completed', attempts: 1 });

    // What each service reported, as GET /orders/{id} shows it.
    const { email: mail, receipt: pdf, inventory, analytics, webhook } = order.fulfillment!;
    const fact = await stack.prisma.orderFact.findUniqueOrThrow({ where: { orderId } });
    expect(mail.result).toEqual({ recipient: email, messageId: effects.emails[0]!.parsed.messageId });
    expect(pdf.result).toEqual({
      url: `${stack.services.pdf.url}/receipts/${orderId}.pdf`,
      bytes: receipt.length,
    });
    expect(pdf.url).toBe(pdf.result!.url);
    expect(inventory.result).toEqual({
      lines: expect.arrayContaining([
        expect.objectContaining({ sku: 'MUG-CLASSIC', quantity: 2 }),
        expect.objectContaining({ sku: 'STICKER-PACK', quantity: 3 }),
      ]),
    });
    expect(analytics.result).toEqual({ recordedAt: fact.recordedAt.toISOString() });
    const orderCompleted = await stack.orderCompletedEventOf(orderId);
    expect(webhook.result).toEqual({
      deliveryId: orderCompleted.id,
      endpoint: new URL(stack.webhooks.url).host,
      statusCode: 200,
    });
    expect(effects.webhooks[0]!.id).toBe(orderCompleted.id);
    for (const task of [mail, pdf, inventory, analytics, webhook]) {
      expect(task.timeline).toEqual([
        {
          attempt: 1,
          startedAt: expect.any(String),
          finishedAt: expect.any(String),
          outcome: 'completed',
          error: null,
        },
      ]);
      const { startedAt, finishedAt } = task.timeline[0]!;
      expect(Date.parse(startedAt!)).toBeLessThanOrEqual(Date.parse(finishedAt));
      expect(Date.parse(startedAt!)).toBeGreaterThanOrEqual(Date.parse(order.createdAt));
    }
  });

  test('When the first send fails with a temporary SMTP error, then the email task shows attempt 1 failed and attempt 2 completed, with their times', async () => {
    const email = newCustomer();
    stack.smtp.failNextSends(email, 1);

    const orderId = await stack.placeOrder(email);

    const { fulfillment } = await stack.waitForAllTasks(orderId, 'completed');
    const { timeline } = fulfillment!.email;
    expect(fulfillment!.email).toMatchObject({ attempts: 2, lastError: expect.stringContaining('451') });
    expect(timeline).toEqual([
      {
        attempt: 1,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
        outcome: 'failed',
        error: expect.stringContaining('451'),
      },
      {
        attempt: 2,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
        outcome: 'completed',
        error: null,
      },
    ]);
    // The retry waited out the first tier (300 ms) between the two attempts.
    expect(Date.parse(timeline[1]!.startedAt!) - Date.parse(timeline[0]!.finishedAt)).toBeGreaterThanOrEqual(
      250,
    );
    expect(fulfillment!.email.result).toMatchObject({ recipient: email });
    expect(stack.smtp.mailsTo(email)).toHaveLength(1);
  });

  test('When a parked email is replayed through the admin API, then its attempts are numbered on from the DLQ: 1 and 2 refused, 3 sent', async () => {
    const email = newCustomer();
    stack.smtp.refused.add(email);
    const orderId = await stack.placeOrder(email);
    const emailTask = async () => (await stack.order(orderId)).fulfillment!.email;
    const replay = async () => {
      const [parked] = await waitFor('the dead letter stored', async () => {
        const found = await stack.parked('email', orderId);
        return found.length > 0 && found;
      });
      return stack.admin('/admin/dlq/email/replay', { ids: [parked!.id] });
    };
    await waitFor('the email parked at attempt 1', async () => (await emailTask()).status === 'failed');

    expect(await replay()).toMatchObject({ status: 200, body: { replayed: 1 } });
    await waitFor('the replay parked at attempt 2', async () => (await emailTask()).attempts === 2);
    stack.smtp.refused.delete(email);
    expect(await replay()).toMatchObject({ status: 200, body: { replayed: 1 } });
    const task = await waitFor('the email sent', async () => {
      const current = await emailTask();
      return current.status === 'completed' && current;
    });

    expect(task.attempts).toBe(3);
    expect(task.timeline.map(({ attempt, outcome }) => [attempt, outcome])).toEqual([
      [1, 'dead-lettered'],
      [2, 'dead-lettered'],
      [3, 'completed'],
    ]);
    expect(task.timeline[0]!.error).toMatch(/^550 /);
    expect(task.result).toMatchObject({ recipient: email });
    expect(stack.smtp.mailsTo(email)).toHaveLength(1);
  });

  test('When the same OrderCompleted is delivered twice, then every side effect still happens once', async () => {
    const email = newCustomer();
    const orderId = await stack.placeOrder(email, [{ sku: 'NOTEBOOK-A5', quantity: 1 }]);
    await stack.waitForAllTasks(orderId, 'completed');
    const stockAfterFirst = await stockOf('NOTEBOOK-A5');

    await stack.shop.publish(await stack.orderCompletedEventOf(orderId));

    await sleep(500);
    await waitFor('every work queue drained', workQueuesEmpty);
    await sleep(1_000);
    const effects = await stack.effectsOf(orderId, email);
    expect(effects.emails).toHaveLength(1);
    expect(effects.files).toEqual([`${orderId}.pdf`]);
    expect(effects.receiptRows).toBe(1);
    expect(effects.movements).toHaveLength(1);
    expect(effects.facts).toBe(1);
    // Posted once: the duplicate reached the webhooks service and posted nothing, not even a dropped duplicate.
    expect(effects.webhooks).toEqual([expect.objectContaining({ duplicates: 0 })]);
    expect(await stockOf('NOTEBOOK-A5')).toBe(stockAfterFirst);
    expect((await stack.order(orderId)).fulfillment!.email.status).toBe('completed');
  });

  test('When SMTP is down, then email retries while the rest completes, is parked with the SMTP error, and a replay after SMTP is back sends exactly one email', async () => {
    const email = newCustomer();
    await stack.smtp.stop();

    const orderId = await stack.placeOrder(email);

    const seenAttempts = new Set<number>();
    await waitFor(
      'the email task to fail after retrying',
      async () => {
        const { fulfillment } = await stack.order(orderId);
        if (fulfillment?.email.status === 'retrying') seenAttempts.add(fulfillment.email.attempts);
        return fulfillment?.email.status === 'failed' && fulfillment;
      },
      20_000,
    );
    const order = await stack.order(orderId);
    expect([...seenAttempts].length).toBeGreaterThanOrEqual(2);
    expect([...seenAttempts]).toEqual([...seenAttempts].sort());
    expect(order.fulfillment!.email).toMatchObject({ status: 'failed', attempts: 4 });
    expect(order.fulfillment!.email.lastError).toContain('ECONNREFUSED');
    for (const task of tasksBut('email')) {
      expect(order.fulfillment![task].status).toBe('completed');
    }

    await stack.smtp.listen();
    await waitFor('the dead letter stored', async () => (await stack.parked('email', orderId)).length === 1);
    const [parked] = await stack.replayParked('email', orderId);
    expect(parked!.reason).toBe('retries-exhausted');
    expect(parked!.lastError).toContain('ECONNREFUSED');

    const replayed = await stack.waitForAllTasks(orderId, 'completed');
    await sleep(500);
    expect(stack.smtp.mailsTo(email)).toHaveLength(1);
    // The four attempts before the replay still count: the replay is the fifth.
    expect(replayed.fulfillment!.email.timeline.map(({ attempt, outcome }) => [attempt, outcome])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
      [4, 'dead-lettered'],
      [5, 'completed'],
    ]);
  });

  test('When a consumer is SIGKILLed while handling an order, then the order completes once after it restarts', async () => {
    const email = newCustomer();
    // Slow inventory down so it is certainly mid-message when killed.
    await stack.services.inventory.stop();
    stack.services.inventory = await stack.services.inventory.restart({ SIMULATED_LATENCY_MS: '3000' });
    const stockBefore = await stockOf('HOODIE-GREY-L');

    const orderId = await stack.placeOrder(email, [{ sku: 'HOODIE-GREY-L', quantity: 1 }]);
    await waitFor('every other task completed', async () => {
      const { fulfillment } = await stack.order(orderId);
      return tasksBut('inventory').every((task) => fulfillment?.[task].status === 'completed');
    });
    const killed = await stack.services.inventory.stop('SIGKILL');

    expect(killed.signal).toBe('SIGKILL');
    expect((await stack.order(orderId)).fulfillment!.inventory.status).toBe('pending');
    expect(await stack.prisma.stockMovement.count({ where: { orderId } })).toBe(0);
    stack.services.inventory = await stack.services.inventory.restart({ SIMULATED_LATENCY_MS: '0' });
    await stack.waitForAllTasks(orderId, 'completed');
    await sleep(500);
    const effects = await stack.effectsOf(orderId, email);
    expect(effects.movements).toHaveLength(1);
    expect(await stockOf('HOODIE-GREY-L')).toBe(stockBefore - 1);
    expect(effects.emails).toHaveLength(1);
    expect(effects.facts).toBe(1);
  });
});
