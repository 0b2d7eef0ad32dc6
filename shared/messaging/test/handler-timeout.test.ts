import { setTimeout as sleep } from 'node:timers/promises';
import { Broker, type Topology } from '@shared/messaging';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { anOrderCompletedEvent } from '../../../test/order-events';
import {
  amqpUrl,
  QueueInspector,
  testLogger,
  testTopology,
  uniquePrefix,
  waitFor,
} from '../../../test/support';

/**
 * A handler that runs past its timeout: its signal is aborted, and its
 * delivery moves on (to a retry tier) only once the handler has returned, so
 * two attempts at one message never run at the same time.
 */

interface Run {
  attempt: number;
  startedAt: number;
  endedAt?: number;
  aborted?: boolean;
}

describe('handler timeout', () => {
  const HANDLER_TIMEOUT_MS = 300;
  let topology: Topology;
  let broker: Broker;
  let inspector: QueueInspector;
  /** Per order id, each attempt's start and end, and whether its signal was aborted. */
  const runs = new Map<string, Run[]>();
  /** How long each order's first attempt takes, whether it stops when aborted, and whether it fails at the end. */
  const firstAttempt = new Map<string, { ms: number; honoursAbort: boolean; failsAtTheEnd?: boolean }>();

  beforeAll(async () => {
    topology = testTopology(
      uniquePrefix('handler-timeout'),
      [{ service: 'worker', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] }],
      { retryDelays: '50ms,100ms' },
    );
    inspector = await QueueInspector.open();
    broker = await Broker.connect({
      url: amqpUrl(),
      topology,
      service: 'worker',
      logger: testLogger(),
      handlerTimeoutMs: HANDLER_TIMEOUT_MS,
    });
    broker.subscribe({
      service: 'worker',
      contracts: [OrderCompletedV1],
      handler: async (event, { attempt, signal }) => {
        const { orderId } = event.data;
        const run: Run = { attempt, startedAt: Date.now() };
        runs.set(orderId, [...(runs.get(orderId) ?? []), run]);
        try {
          const plan = firstAttempt.get(orderId);
          if (attempt === 1 && plan) {
            await sleep(plan.ms, undefined, plan.honoursAbort ? { signal } : {});
            if (plan.failsAtTheEnd) throw new Error('failed after running past the timeout');
          }
        } finally {
          run.endedAt = Date.now();
          run.aborted = signal.aborted;
        }
      },
    });
  });

  afterAll(async () => {
    await broker.close();
    await inspector.deleteTopology(topology);
    await inspector.close();
  });

  test('When a handler ignores its aborted signal and fails later, then the retry starts only after it has returned', async () => {
    const event = anOrderCompletedEvent();
    firstAttempt.set(event.data.orderId, { ms: 1_200, honoursAbort: false, failsAtTheEnd: true });

    await broker.publish(event);

    const [first, second] = await waitFor(
      'two finished attempts',
      () => {
        const attempts = runs.get(event.data.orderId) ?? [];
        return attempts.length === 2 && attempts[1]!.endedAt !== undefined && attempts;
      },
      10_000,
    );
    expect(first!.aborted).toBe(true);
    expect(second!.attempt).toBe(2);
    expect(second!.startedAt).toBeGreaterThanOrEqual(first!.endedAt!);
    expect(await inspector.depth(topology.services[0]!.deadLetterQueue)).toBe(0);
  });

  test('When a handler ignores its aborted signal and finishes its work, then the delivery counts as handled and is not retried', async () => {
    const event = anOrderCompletedEvent();
    firstAttempt.set(event.data.orderId, { ms: 800, honoursAbort: false });

    await broker.publish(event);

    await waitFor('the attempt to finish', () => runs.get(event.data.orderId)?.[0]?.endedAt !== undefined);
    await sleep(500);
    expect(runs.get(event.data.orderId)).toEqual([expect.objectContaining({ attempt: 1, aborted: true })]);
    expect(await inspector.depth(topology.services[0]!.workQueue)).toBe(0);
    expect(await inspector.depth(topology.services[0]!.deadLetterQueue)).toBe(0);
  });

  test('When a handler honours its aborted signal, then the attempt ends at the timeout and the retry follows', async () => {
    const event = anOrderCompletedEvent();
    firstAttempt.set(event.data.orderId, { ms: 5_000, honoursAbort: true });

    await broker.publish(event);

    const [first, second] = await waitFor(
      'two finished attempts',
      () => {
        const attempts = runs.get(event.data.orderId) ?? [];
        return attempts.length === 2 && attempts[1]!.endedAt !== undefined && attempts;
      },
      10_000,
    );
    expect(first!.endedAt! - first!.startedAt).toBeLessThan(HANDLER_TIMEOUT_MS + 500);
    expect(second!.startedAt).toBeGreaterThanOrEqual(first!.endedAt!);
  });
});
