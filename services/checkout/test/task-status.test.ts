import { randomUUID } from 'node:crypto';
import {
  ConfirmationSentV1,
  createEvent,
  OrderRecordedV1,
  ReceiptGeneratedV1,
  taskDeadLetteredV1,
  taskFailedV1,
} from '@shop/shared/events';
import { type Broker, connectShopBroker } from '@shop/shared/messaging';
import { QueueInspector, testLogger, uniquePrefix, waitFor } from '../../../test/support';
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
    fulfillment = await connectShopBroker(config, testLogger(), { connectionName: `${prefix}fulfillment` });
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
    expect(status.inventory).toMatchObject({ status: 'pending', attempts: 0 });
  });

  test('When attempts fail and the message is dead-lettered, then the task shows retrying and then failed with the error', async () => {
    const orderId = await placeOrder();
    await fulfillment.publish(
      createEvent(
        taskFailedV1('inventory'),
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
        taskDeadLetteredV1('inventory'),
        { orderId, attempt: 3, error: 'still deadlocked', reason: 'retries-exhausted' },
        context,
      ),
    );
    const status = await waitFor('inventory to fail', async () => {
      const current = await fulfillmentOf(orderId);
      return current.inventory.status === 'failed' && current;
    });
    expect(status.inventory).toMatchObject({ attempts: 3, lastError: 'still deadlocked' });
  });

  test('When a late failure or a duplicate arrives after success, then the task stays completed and counts the event once', async () => {
    const orderId = await placeOrder();
    const success = createEvent(OrderRecordedV1, { orderId, attempt: 2 }, context);
    await fulfillment.publish(success);
    await waitFor(
      'analytics to complete',
      async () => (await fulfillmentOf(orderId)).analytics.status === 'completed',
    );

    await fulfillment.publish(success);
    await fulfillment.publish(
      createEvent(taskFailedV1('analytics'), { orderId, attempt: 1, error: 'late', retryIn: '1s' }, context),
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
    await waitFor(
      'every outcome to be handled',
      async () =>
        (await database.prisma.checkoutProcessedEvent.count({ where: { eventId: success.id } })) === 1 &&
        (await inspector.depth(`${prefix}checkout.task-outcomes`)) === 0,
    );

    expect((await fulfillmentOf(orderId)).analytics).toMatchObject({
      status: 'completed',
      attempts: 2,
      lastError: null,
    });
  });

  test('When an outcome names an order checkout does not know, then it is ignored without retries', async () => {
    const event = createEvent(OrderRecordedV1, { orderId: randomUUID(), attempt: 1 }, context);
    await fulfillment.publish(event);
    await waitFor(
      'the outcome to be handled',
      async () =>
        (await database.prisma.checkoutProcessedEvent.count({ where: { eventId: event.id } })) === 1,
    );
    expect(await inspector.depth(`${prefix}checkout.dlq`)).toBe(0);
  });
});
