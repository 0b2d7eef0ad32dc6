import { randomUUID } from 'node:crypto';
import { createEvent, type EventEnvelope } from '@shared/messaging';
import { InMemoryEventBus } from '@shared/messaging/testing';
import { ReceiptGeneratedV1 } from '@shop/contracts/events';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { InMemoryFulfillmentTasks } from '../testing/in-memory-fulfillment-tasks';
import { projectTaskOutcome } from './project-task-outcome';

const TASKS = SHOP_REGISTRY.tasks.map(({ task }) => task);
const PDF = SHOP_REGISTRY.outcomesOf('pdf')!;
const FINISHED_AT = '2025-01-01T10:00:00.000Z';

function setUp() {
  const orderId = randomUUID();
  const tasks = new InMemoryFulfillmentTasks();
  tasks.addOrder(orderId, TASKS);
  const bus = new InMemoryEventBus(SHOP_REGISTRY);
  const checkout = bus.consumer('checkout', (event: EventEnvelope, context) =>
    projectTaskOutcome(event, { ...context, registry: SHOP_REGISTRY, tasks }),
  );
  return { orderId, tasks, bus, checkout };
}

const receiptGenerated = (orderId: string, attempt: number) =>
  createEvent(
    ReceiptGeneratedV1,
    {
      orderId,
      url: `https://shop.example/receipts/${orderId}.pdf`,
      bytes: 2048,
      attempt,
      finishedAt: FINISHED_AT,
    },
    { correlationId: 'test' },
  );

const receiptFailed = (orderId: string, attempt: number) =>
  createEvent(
    PDF.failed,
    { orderId, attempt, error: 'disk full', retryIn: '5s', finishedAt: FINISHED_AT },
    { correlationId: 'test' },
  );

describe('projectTaskOutcome', () => {
  test('When a receipt is reported generated, then the order shows its receipt task completed with the link', async () => {
    const { orderId, tasks, checkout } = setUp();

    await checkout.deliver(receiptGenerated(orderId, 1));

    expect(await tasks.read(orderId, 'receipt')).toEqual({
      status: 'completed',
      attempts: 1,
      lastError: null,
      url: `https://shop.example/receipts/${orderId}.pdf`,
    });
    expect(tasks.timeline(orderId, 'receipt')).toEqual([
      expect.objectContaining({
        attempt: 1,
        outcome: 'completed',
        result: expect.objectContaining({ bytes: 2048 }),
      }),
    ]);
    expect(await tasks.read(orderId, 'email')).toMatchObject({ status: 'pending' });
  });

  test('When the same outcome event is delivered twice, then the second delivery changes nothing', async () => {
    const { orderId, tasks, checkout } = setUp();
    const event = receiptGenerated(orderId, 1);

    await checkout.deliver(event);
    const afterFirst = await tasks.read(orderId, 'receipt');
    await checkout.deliver(event, 2);

    expect(await tasks.read(orderId, 'receipt')).toEqual(afterFirst);
    expect(tasks.timeline(orderId, 'receipt')).toHaveLength(1);
    expect(tasks.writes).toBe(1);
  });

  test('When a failed attempt is reported after the success of the next one, then the task stays completed', async () => {
    const { orderId, tasks, checkout } = setUp();

    await checkout.deliver(receiptGenerated(orderId, 2));
    await checkout.deliver(receiptFailed(orderId, 1));

    expect(await tasks.read(orderId, 'receipt')).toMatchObject({ status: 'completed', attempts: 2 });
    expect(tasks.timeline(orderId, 'receipt').map(({ attempt, outcome }) => [attempt, outcome])).toEqual([
      [1, 'failed'],
      [2, 'completed'],
    ]);
  });

  test('When an attempt is reported failed, then the task is retrying with its error', async () => {
    const { orderId, tasks, checkout } = setUp();

    await checkout.deliver(receiptFailed(orderId, 1));

    expect(await tasks.read(orderId, 'receipt')).toEqual({
      status: 'retrying',
      attempts: 1,
      lastError: 'disk full',
      url: null,
    });
  });

  test('When the outcome names an order this checkout does not know, then it is skipped, not retried', async () => {
    const { tasks, checkout } = setUp();
    const unknown = randomUUID();

    await expect(checkout.deliver(receiptGenerated(unknown, 1))).resolves.toBeUndefined();

    expect(await tasks.read(unknown, 'receipt')).toBeUndefined();
    expect(tasks.writes).toBe(0);
  });

  test('When an outcome is projected, then checkout reports no outcome of its own', async () => {
    const { orderId, bus, checkout } = setUp();

    await checkout.deliver(receiptGenerated(orderId, 1));

    expect(bus.published).toEqual([]);
  });
});
