import { randomUUID } from 'node:crypto';
import { type Broker, connectBroker, createEvent } from '@shared/messaging';
import {
  ConfirmationSentV1,
  OrderRecordedV1,
  ReceiptGeneratedV1,
  StockReservedV1,
} from '@shop/contracts/events';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { QueueInspector, scrapeMetrics, testLogger, uniquePrefix, waitFor } from '../../../test/support';
import { loadCheckoutConfig } from '../src/config';
import {
  anOrderRequest,
  checkoutEnvironment,
  createTestDatabase,
  getJson,
  postOrder,
  startTestCheckout,
  type TestCheckout,
  topologyFor,
} from './checkout-harness';

/** Checkout's projection of the fulfillment services' outcome events into GET /orders/{id}. */
describe('fulfillment status of an order', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let checkout: TestCheckout;
  let fulfillment: Broker;
  let inspector: QueueInspector;
  let prefix: string;

  beforeAll(async () => {
    database = await createTestDatabase('task_status');
    prefix = uniquePrefix('checkout-status');
    checkout = await startTestCheckout({ DATABASE_URL: database.url, QUEUE_PREFIX: prefix });
    // Stands in for the four fulfillment services: it publishes their outcome events.
    const config = loadCheckoutConfig(checkoutEnvironment({ QUEUE_PREFIX: prefix }));
    fulfillment = await connectBroker(SHOP_REGISTRY, config, testLogger(), {
      connectionName: `${prefix}fulfillment`,
    });
    inspector = await QueueInspector.open();
  });

  afterAll(async () => {
    await fulfillment.close();
    await checkout.stop();
    await inspector.deleteTopology(topologyFor(prefix));
    await inspector.close();
    await database.drop();
  });

  const placeOrder = async () => (await postOrder(checkout.baseUrl, anOrderRequest())).body.id as string;
  const fulfillmentOf = async (orderId: string) =>
    (await getJson(`${checkout.baseUrl}/orders/${orderId}`)).body.fulfillment;
  const context = { correlationId: 'status-test' };
  /** Outcome events checkout has handled so far, from its own /metrics. */
  const handledOutcomes = async () => {
    const metrics = await (await scrapeMetrics(checkout.baseUrl)).text();
    const line = metrics
      .split('\n')
      .find(
        (candidate) =>
          candidate.startsWith('shop_messages_handled_total') &&
          candidate.includes(`${prefix}checkout.task-outcomes`),
      );
    return Number(line?.split(' ').pop() ?? 0);
  };

  test('When the services report success, then each task is completed and the receipt has its URL', async () => {
    const orderId = await placeOrder();
    const url = `http://localhost:3002/receipts/${orderId}.pdf`;
    await fulfillment.publish(
      createEvent(
        ConfirmationSentV1,
        { orderId, attempt: 1, recipient: 'ada@example.com', messageId: `<${orderId}@shop>` },
        context,
      ),
    );
    await fulfillment.publish(
      createEvent(ReceiptGeneratedV1, { orderId, attempt: 2, url, bytes: 1234 }, context),
    );

    const status = await waitFor('email and receipt to complete', async () => {
      const current = await fulfillmentOf(orderId);
      return current.email.status === 'completed' && current.receipt.status === 'completed' && current;
    });
    expect(status.email).toMatchObject({ status: 'completed', attempts: 1, lastError: null });
    expect(status.receipt).toMatchObject({ status: 'completed', attempts: 2, url });
    expect(status.inventory).toMatchObject({ status: 'pending', attempts: 0, result: null, timeline: [] });
    expect(status.email.result).toEqual({ recipient: 'ada@example.com', messageId: `<${orderId}@shop>` });
    expect(status.receipt.result).toEqual({ url, bytes: 1234 });
  });

  test('When a task fails once and then completes, then its timeline shows both attempts with their times, and the result', async () => {
    const orderId = await placeOrder();
    const at = (seconds: number) => new Date(Date.UTC(2026, 10, 24, 10, 0, seconds)).toISOString();
    await fulfillment.publish(
      createEvent(
        SHOP_REGISTRY.outcomesOf('inventory')!.failed,
        { orderId, attempt: 1, startedAt: at(0), finishedAt: at(1), error: 'deadlock', retryIn: '1s' },
        context,
      ),
    );
    const lines = [{ sku: 'MUG-CLASSIC', quantity: 2, backordered: 0 }];
    await fulfillment.publish(
      createEvent(
        StockReservedV1,
        { orderId, attempt: 2, startedAt: at(2), finishedAt: at(3), lines },
        context,
      ),
    );

    const inventory = await waitFor('inventory to complete', async () => {
      const current = (await fulfillmentOf(orderId)).inventory;
      return current.status === 'completed' && current.timeline.length === 2 && current;
    });
    expect(inventory).toMatchObject({ attempts: 2, lastError: 'deadlock', result: { lines } });
    expect(inventory.timeline).toEqual([
      { attempt: 1, startedAt: at(0), finishedAt: at(1), outcome: 'failed', error: 'deadlock' },
      { attempt: 2, startedAt: at(2), finishedAt: at(3), outcome: 'completed', error: null },
    ]);
  });

  test('When the same outcomes arrive reordered and duplicated, then the timeline ends the same', async () => {
    const [first, second] = [await placeOrder(), await placeOrder()];
    const at = (seconds: number) => new Date(Date.UTC(2026, 10, 24, 11, 0, seconds)).toISOString();
    const { failed, deadLettered } = SHOP_REGISTRY.outcomesOf('email')!;
    const outcomesOf = (orderId: string) => [
      createEvent(
        failed,
        { orderId, attempt: 1, startedAt: at(0), finishedAt: at(1), error: 'a', retryIn: '1s' },
        context,
      ),
      createEvent(
        failed,
        { orderId, attempt: 2, startedAt: at(2), finishedAt: at(3), error: 'b', retryIn: '5s' },
        context,
      ),
      createEvent(
        deadLettered,
        { orderId, attempt: 3, startedAt: at(4), finishedAt: at(5), error: 'c', reason: 'retries-exhausted' },
        context,
      ),
      // A duplicate delivery of attempt 2 that completed: the later stage wins that attempt's entry.
      createEvent(
        ConfirmationSentV1,
        {
          orderId,
          attempt: 2,
          startedAt: at(6),
          finishedAt: at(7),
          recipient: 'ada@example.com',
          messageId: 'm',
        },
        context,
      ),
    ];
    const handledBefore = await handledOutcomes();
    for (const event of outcomesOf(first)) await fulfillment.publish(event);
    const reordered = outcomesOf(second).reverse();
    for (const event of [...reordered, ...reordered]) await fulfillment.publish(event);
    await waitFor('every outcome to be handled', async () => (await handledOutcomes()) >= handledBefore + 12);

    const [one, two] = [(await fulfillmentOf(first)).email, (await fulfillmentOf(second)).email];
    expect(two.timeline).toEqual(one.timeline);
    expect(
      one.timeline.map(({ attempt, outcome }: { attempt: number; outcome: string }) => [attempt, outcome]),
    ).toEqual([
      [1, 'failed'],
      [2, 'completed'],
      [3, 'dead-lettered'],
    ]);
    expect(one.timeline[1]).toMatchObject({ startedAt: at(6), error: null });
    expect(one).toMatchObject({ status: 'completed', attempts: 3, lastError: 'c' });
    expect(two).toMatchObject({
      status: one.status,
      attempts: one.attempts,
      lastError: one.lastError,
      result: one.result,
    });
  });

  test('When an outcome event from before attempts carried their times arrives, then its entry has no start and finishes when it was published', async () => {
    const orderId = await placeOrder();
    const occurredAt = new Date(Date.UTC(2026, 10, 24, 12, 0, 0));
    await fulfillment.publish(
      createEvent(OrderRecordedV1, { orderId, attempt: 1 }, { ...context, occurredAt }),
    );

    const analytics = await waitFor('analytics to complete', async () => {
      const current = (await fulfillmentOf(orderId)).analytics;
      return current.status === 'completed' && current;
    });
    expect(analytics.timeline).toEqual([
      {
        attempt: 1,
        startedAt: null,
        finishedAt: occurredAt.toISOString(),
        outcome: 'completed',
        error: null,
      },
    ]);
    expect(analytics.result).toEqual({});
  });

  test('When attempts fail and the message is dead-lettered, then the task shows retrying and then failed with the error', async () => {
    const orderId = await placeOrder();
    await fulfillment.publish(
      createEvent(
        SHOP_REGISTRY.outcomesOf('inventory')!.failed,
        { orderId, attempt: 1, error: 'deadlock', retryIn: '1s' },
        context,
      ),
    );
    await waitFor(
      'inventory to retry',
      async () => (await fulfillmentOf(orderId)).inventory.status === 'retrying',
    );

    await fulfillment.publish(
      createEvent(
        SHOP_REGISTRY.outcomesOf('inventory')!.deadLettered,
        { orderId, attempt: 3, error: 'still deadlocked', reason: 'retries-exhausted' },
        context,
      ),
    );
    const status = await waitFor('inventory to fail', async () => {
      const current = await fulfillmentOf(orderId);
      return current.inventory.status === 'failed' && current;
    });
    expect(status.inventory).toMatchObject({ attempts: 3, lastError: 'still deadlocked', result: null });
    expect(status.inventory.timeline).toMatchObject([
      { attempt: 1, outcome: 'failed', error: 'deadlock' },
      { attempt: 3, outcome: 'dead-lettered', error: 'still deadlocked' },
    ]);
  });

  test('When a late failure of an earlier attempt or a duplicate arrives after success, then the task stays completed, counts the success once, and shows the failure as if it had come first', async () => {
    const orderId = await placeOrder();
    const success = createEvent(OrderRecordedV1, { orderId, attempt: 2 }, context);
    await fulfillment.publish(success);
    await waitFor(
      'analytics to complete',
      async () => (await fulfillmentOf(orderId)).analytics.status === 'completed',
    );

    const handledBefore = await handledOutcomes();
    await fulfillment.publish(success);
    await fulfillment.publish(
      createEvent(
        SHOP_REGISTRY.outcomesOf('analytics')!.failed,
        { orderId, attempt: 1, error: 'late', retryIn: '1s' },
        context,
      ),
    );
    // A marker published after them: once it is projected, the two before it have been handled.
    await fulfillment.publish(
      createEvent(
        ConfirmationSentV1,
        { orderId, attempt: 1, recipient: 'ada@example.com', messageId: 'm' },
        context,
      ),
    );
    await waitFor('the marker', async () => (await fulfillmentOf(orderId)).email.status === 'completed');
    await waitFor('every outcome to be handled', async () => (await handledOutcomes()) >= handledBefore + 3);

    const analytics = (await fulfillmentOf(orderId)).analytics;
    expect(analytics).toMatchObject({ status: 'completed', attempts: 2, lastError: 'late' });
    expect(analytics.timeline).toMatchObject([
      { attempt: 1, outcome: 'failed', error: 'late' },
      { attempt: 2, outcome: 'completed', error: null },
    ]);
  });

  test('When an outcome names an order checkout does not know, then it is ignored without retries', async () => {
    const event = createEvent(OrderRecordedV1, { orderId: randomUUID(), attempt: 1 }, context);
    const handledBefore = await handledOutcomes();
    await fulfillment.publish(event);
    await waitFor('the outcome to be handled', async () => (await handledOutcomes()) === handledBefore + 1);
    expect(await inspector.depth(`${prefix}checkout.dlq`)).toBe(0);
  });
});
