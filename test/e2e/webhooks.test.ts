import { randomUUID } from 'node:crypto';
import { sleep, waitFor } from '../support';
import { Stack } from './stack';

/**
 * The webhooks service with the whole shop and the merchant's receiver:
 * each order is delivered once, signed; while the merchant is down its
 * deliveries retry, then wait in the dead-letter store, and once it is back
 * an operator's replay delivers each order exactly once. Our side delivers
 * at least once; the receiver drops a repeat by its webhook-id.
 */
describe('webhooks end to end', () => {
  let stack: Stack;
  const newCustomer = () => `${randomUUID()}@example.com`;
  const firstDeliveriesOf = async (orderIds: string[]) => {
    const deliveries = await stack.webhooks.deliveries();
    return orderIds.map((orderId) => deliveries.filter((delivery) => delivery.orderId === orderId).length);
  };

  beforeAll(async () => {
    stack = await Stack.start({ label: 'e2e-webhooks', retryDelays: '100ms,200ms' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  test("When an order is placed, then its webhook task completes and the receiver has exactly one delivery, under the event's id", async () => {
    const orderId = await stack.placeOrder(newCustomer());

    const order = await stack.waitForAllTasks(orderId, 'completed');

    const event = await stack.orderCompletedEventOf(orderId);
    const [delivery, ...others] = (await stack.webhooks.deliveries()).filter(
      (one) => one.orderId === orderId,
    );
    expect(others).toEqual([]);
    expect(delivery).toMatchObject({ id: event.id, type: 'checkout.order.completed', duplicates: 0 });
    expect(order.fulfillment!.webhook).toMatchObject({
      status: 'completed',
      attempts: 1,
      result: { deliveryId: event.id, statusCode: 200 },
    });
  });

  test('When the merchant answers 503 for a while, then the webhooks retry and wait in the dead-letter store, the other tasks complete, and after a replay each order is delivered exactly once', async () => {
    await stack.webhooks.outage(503);
    const orderIds = await Promise.all(Array.from({ length: 5 }, () => stack.placeOrder(newCustomer())));

    // Three attempts each (the first and the two tiers), then parked; checkout stores them.
    const parked = await waitFor(
      'five webhooks parked',
      async () => {
        const found = await stack.parked('webhooks');
        return found.length === 5 && found;
      },
      30_000,
    );
    expect(parked.map(({ orderId }) => orderId).sort()).toEqual([...orderIds].sort());
    expect(parked.every(({ reason }) => reason === 'retries-exhausted')).toBe(true);
    expect(parked.every(({ lastError }) => lastError?.includes('answered 503'))).toBe(true);
    for (const orderId of orderIds) {
      // The task's outcome travels apart from the dead letter; checkout shows it a moment later.
      const { fulfillment } = await waitFor('the webhook failed and the other tasks completed', async () => {
        const order = await stack.order(orderId);
        const { webhook, ...others } = order.fulfillment!;
        return (
          webhook.status === 'failed' &&
          Object.values(others).every(({ status }) => status === 'completed') &&
          order
        );
      });
      expect(fulfillment!.webhook).toMatchObject({
        attempts: 3,
        lastError: expect.stringContaining('answered 503'),
      });
    }
    expect(await firstDeliveriesOf(orderIds)).toEqual([0, 0, 0, 0, 0]);

    await stack.webhooks.recover();
    const replayed = await stack.replayParked('webhooks');

    expect(replayed).toHaveLength(5);
    for (const orderId of orderIds) await stack.waitForAllTasks(orderId, 'completed');
    await sleep(500);
    expect(await firstDeliveriesOf(orderIds)).toEqual([1, 1, 1, 1, 1]);
    expect(await stack.parked('webhooks')).toEqual([]);
    for (const orderId of orderIds) {
      const { webhook } = (await stack.order(orderId)).fulfillment!;
      expect(webhook.timeline.map(({ attempt, outcome }) => [attempt, outcome])).toEqual([
        [1, 'failed'],
        [2, 'failed'],
        [3, 'dead-lettered'],
        [4, 'completed'],
      ]);
    }
  });

  test('When the merchant refuses a delivery with a 4xx, then it is parked at once with the reason, without retrying', async () => {
    await stack.webhooks.outage(410);
    const orderId = await stack.placeOrder(newCustomer());

    const [parked] = await waitFor('the webhook parked', async () => {
      const found = await stack.parked('webhooks', orderId);
      return found.length === 1 && found;
    });
    await stack.webhooks.recover();

    expect(parked).toMatchObject({ reason: 'permanent-error', attempts: 1 });
    expect(parked!.lastError).toContain('answered 410');
    // The task's outcome travels apart from the dead letter; checkout shows it a moment later.
    const webhook = await waitFor('the webhook task failed', async () => {
      const task = (await stack.order(orderId)).fulfillment!.webhook;
      return task.status === 'failed' && task;
    });
    expect(webhook).toMatchObject({ attempts: 1, lastError: expect.stringContaining('answered 410') });
    expect(await firstDeliveriesOf([orderId])).toEqual([0]);
  });
});
