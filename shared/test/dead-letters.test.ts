import { OrderCompletedV1 } from '@shop/contracts/events';
import {
  type DeadLetterAction,
  type DeadLetterAudit,
  DeadLetterQueues,
  REPLAY_HEADERS,
} from '@shop/shared/dead-letters';
import { Broker, HEADERS, type Topology } from '@shop/shared/messaging';
import { anOrderCompletedEvent, type OrderCompleted } from '../../test/order-events';
import { amqpUrl, QueueInspector, testLogger, testTopology, uniquePrefix, waitFor } from '../../test/support';

/**
 * The dead-letter tooling against the real broker and database. Messages are
 * parked by publishing them straight into a DLQ with the headers the
 * consumer writes. "mailer" has a live subscription (replays are counted as
 * it handles them); "ledger" has none, so its work queue can be inspected.
 */

const SMTP_DOWN = 'connect ECONNREFUSED 127.0.0.1:2525';
const FAST = 500;

describe('dead-letter tooling', () => {
  let topology: Topology;
  let broker: Broker;
  let inspector: QueueInspector;
  let deadLetters: DeadLetterQueues;
  /** Every delivery the mailer's handler received: event id and attempt. */
  const handled: { id: string; attempt: number }[] = [];

  const queuesOf = (service: string) => topology.services.find((queues) => queues.service === service)!;
  const dlqOf = (service: string) => queuesOf(service).deadLetterQueue;

  /** Parks events in `service`'s DLQ as the consumer would after the given failure. */
  async function park(
    service: string,
    events: OrderCompleted[],
    {
      error = SMTP_DOWN,
      code = 'ECONNREFUSED',
      parkedAt = new Date(),
    }: { error?: string; code?: string; parkedAt?: Date } = {},
  ) {
    const before = await inspector.depth(dlqOf(service));
    for (const event of events) {
      inspector.channel.sendToQueue(dlqOf(service), Buffer.from(JSON.stringify(event)), {
        messageId: event.id,
        type: event.type,
        contentType: 'application/json',
        persistent: true,
        headers: {
          [HEADERS.correlationId]: event.correlationId,
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          [HEADERS.attempt]: 3,
          [HEADERS.firstFailureAt]: new Date(parkedAt.getTime() - 1_000).toISOString(),
          [HEADERS.lastError]: error,
          [HEADERS.lastErrorCode]: code,
          [HEADERS.deadLetterReason]: 'retries-exhausted',
          [HEADERS.deadLetteredAt]: parkedAt.toISOString(),
          [HEADERS.deadLetteredBy]: service,
        },
      });
    }
    await waitFor(
      'parked messages',
      async () => (await inspector.depth(dlqOf(service))) === before + events.length,
    );
  }

  const events = (count: number) => Array.from({ length: count }, () => anOrderCompletedEvent());
  const ids = (list: { id: string }[]) => list.map((item) => item.id).sort();
  /** The audit as the runtime sees it: an application's table would hold these rows. */
  const recorded: DeadLetterAction[] = [];
  const audit: DeadLetterAudit = {
    async record(action) {
      recorded.push(action);
      return { undo: async () => void recorded.splice(recorded.indexOf(action), 1) };
    },
    async recent({ limit }) {
      return recorded
        .slice(-limit)
        .reverse()
        .map((action, index) => ({ ...action, id: String(index), at: new Date().toISOString() }));
    },
  };
  const auditRows = async (messageIds: string[]) =>
    recorded.filter((action) => messageIds.includes(action.messageId));

  beforeAll(async () => {
    const routingKeys = [OrderCompletedV1.routingKey];
    topology = testTopology(uniquePrefix('dead-letters'), [
      { service: 'mailer', queue: 'order-completed', routingKeys },
      { service: 'ledger', queue: 'order-completed', routingKeys },
    ]);
    inspector = await QueueInspector.open();
    broker = await Broker.connect({ url: amqpUrl(), topology, service: 'mailer', logger: testLogger() });
    broker.subscribe({
      service: 'mailer',
      contracts: [OrderCompletedV1],
      handler: async (event, { attempt }) => {
        handled.push({ id: event.id, attempt });
      },
    });
    deadLetters = new DeadLetterQueues(broker, audit, 'orderId');
  });

  beforeEach(async () => {
    handled.length = 0;
    for (const queues of topology.services) {
      await inspector.channel.purgeQueue(queues.deadLetterQueue);
      await inspector.channel.purgeQueue(queues.workQueue);
    }
  });

  afterAll(async () => {
    await broker.close();
    await inspector.deleteTopology(topology);
    await inspector.close();
  });

  test('When messages are parked, then list shows each DLQ with its depth and the age of its oldest message, and removes nothing', async () => {
    await park('mailer', events(1), { parkedAt: new Date(Date.now() - 90_000) });
    await park('mailer', events(2));

    const summaries = await deadLetters.list();

    expect(summaries).toEqual([
      { service: 'mailer', queue: dlqOf('mailer'), depth: 3, oldestAgeMs: expect.any(Number) },
      { service: 'ledger', queue: dlqOf('ledger'), depth: 0, oldestAgeMs: null },
    ]);
    expect(summaries[0]!.oldestAgeMs).toBeGreaterThanOrEqual(90_000);
    expect(summaries[0]!.oldestAgeMs).toBeLessThan(100_000);
    expect(await inspector.depth(dlqOf('mailer'))).toBe(3);
  });

  test('When show reads a DLQ, then each message comes with its type, order, attempts, first failure and last error, and stays parked', async () => {
    const [event] = events(1);
    const parkedAt = new Date();
    await park('mailer', [event!], { parkedAt });

    const shown = await deadLetters.show('mailer');

    expect(shown).toEqual([
      {
        messageId: event!.id,
        type: 'checkout.order.completed',
        subject: event!.data.orderId,
        correlationId: event!.correlationId,
        attempts: 3,
        firstFailureAt: new Date(parkedAt.getTime() - 1_000).toISOString(),
        lastError: SMTP_DOWN,
        lastErrorCode: 'ECONNREFUSED',
        reason: 'retries-exhausted',
        deadLetteredAt: parkedAt.toISOString(),
      },
    ]);
    expect(await inspector.depth(dlqOf('mailer'))).toBe(1);
  });

  test('When 5 of 20 parked messages are replayed, then exactly 5 are handled, 15 stay, at the capped rate, attempt reset, and each replay is recorded; the rest follow with none twice', async () => {
    const parked = events(20);
    await park('mailer', parked);

    const startedAt = Date.now();
    const first = await deadLetters.replay('mailer', { limit: 5 }, { actor: 'ada@ops', ratePerSecond: 10 });
    const elapsedMs = Date.now() - startedAt;

    expect(first.replayed).toBe(5);
    await waitFor('5 handled', () => handled.length === 5);
    expect(ids(handled)).toEqual([...first.ids].sort());
    expect(handled.every((delivery) => delivery.attempt === 1)).toBe(true);
    // Five replays 100 ms apart: the fifth starts 400 ms after the first.
    expect(elapsedMs).toBeGreaterThanOrEqual(400);
    expect(await inspector.depth(dlqOf('mailer'))).toBe(15);
    const rows = await auditRows(first.ids);
    expect(rows).toHaveLength(5);
    expect(
      rows.every((row) => row.action === 'replay' && row.actor === 'ada@ops' && row.service === 'mailer'),
    ).toBe(true);
    expect(rows.every((row) => row.lastError === SMTP_DOWN && row.subject !== null)).toBe(true);

    const rest = await deadLetters.replay('mailer', {}, { actor: 'ada@ops', ratePerSecond: FAST });

    expect(rest.replayed).toBe(15);
    await waitFor('20 handled', () => handled.length === 20);
    expect(ids(handled)).toEqual(ids(parked));
    expect(await inspector.depth(dlqOf('mailer'))).toBe(0);
  });

  test('When a message is replayed, then it is the original event with its message id, correlation id and trace, attempt 1 of a new run after the 3 made, and the replay noted in its headers', async () => {
    const [event] = events(1);
    await park('ledger', [event!]);

    await deadLetters.replay('ledger', {}, { actor: 'grace@ops', ratePerSecond: FAST });

    const [replayed] = await inspector.take(queuesOf('ledger').workQueue, 1);
    const { properties } = replayed!;
    expect(properties.messageId).toBe(event!.id);
    expect(properties.type).toBe(event!.type);
    expect(JSON.parse(replayed!.content.toString())).toEqual(event);
    // x-delivery-count is the work queue's own counter, set on every delivery.
    const { [HEADERS.deliveryCount]: _ownCounter, ...headers } = properties.headers ?? {};
    expect(headers).toEqual({
      [HEADERS.correlationId]: event!.correlationId,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      [HEADERS.attempt]: 1,
      [HEADERS.priorAttempts]: 3,
      [HEADERS.enqueuedAt]: expect.any(Number),
      [REPLAY_HEADERS.replayedAfterError]: SMTP_DOWN,
      [REPLAY_HEADERS.replayedAt]: expect.any(String),
      [REPLAY_HEADERS.replayedBy]: 'grace@ops',
    });
  });

  test('When a parked message was read more times than the delivery limit, then its replay is still handled, not parked again as a crash loop', async () => {
    const [event] = events(1);
    await park('mailer', [event!]);
    // Every read returns the message to the DLQ, which counts it (x-delivery-count).
    for (let read = 0; read < topology.deliveryLimit + 1; read += 1) await deadLetters.show('mailer');

    expect(await deadLetters.show('mailer')).toHaveLength(1);
    await deadLetters.replay('mailer', {}, { actor: 'ada@ops', ratePerSecond: FAST });

    await waitFor('handled', () => handled.length === 1);
    expect(handled[0]).toEqual({ id: event!.id, attempt: 1 });
    expect(await inspector.depth(dlqOf('mailer'))).toBe(0);
  });

  test('When replay filters by order id or by error text, then exactly the matching messages are replayed and the others stay', async () => {
    const busy = events(3);
    const refused = events(3);
    await park('mailer', busy, { error: '421 4.3.2 Service not available', code: 'EMAIL.SMTP_421' });
    await park('mailer', refused);

    const byOrder = await deadLetters.replay(
      'mailer',
      { subject: busy[1]!.data.orderId },
      { actor: 'ada@ops', ratePerSecond: FAST },
    );
    const byError = await deadLetters.replay(
      'mailer',
      { errorContains: 'econnrefused' },
      { actor: 'ada@ops', ratePerSecond: FAST },
    );

    expect(byOrder.ids).toEqual([busy[1]!.id]);
    expect([...byError.ids].sort()).toEqual(ids(refused));
    await waitFor('4 handled', () => handled.length === 4);
    const left = await deadLetters.show('mailer');
    expect(left.map((message) => message.messageId).sort()).toEqual(ids([busy[0]!, busy[2]!]));
  });

  test('When one message is read or chosen by id, then it comes with headers and body, and only the chosen ones are replayed', async () => {
    const parked = events(3);
    await park('ledger', parked);

    const read = await deadLetters.read('ledger', parked[1]!.id);
    const absent = await deadLetters.read('ledger', 'no-such-message');
    const replayed = await deadLetters.replay(
      'ledger',
      { messageIds: [parked[0]!.id, parked[2]!.id] },
      { actor: 'ada@ops', ratePerSecond: FAST },
    );

    expect(read).toMatchObject({
      messageId: parked[1]!.id,
      subject: parked[1]!.data.orderId,
      contentType: 'application/json',
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
      body: parked[1],
    });
    expect(absent).toBeNull();
    expect([...replayed.ids].sort()).toEqual(ids([parked[0]!, parked[2]!]));
    expect(await inspector.depth(dlqOf('ledger'))).toBe(1);
    expect(await inspector.depth(queuesOf('ledger').workQueue)).toBe(2);
  });

  test('When messages are discarded, then a reason is required, and the selected ones are removed, never handled, with the reason recorded', async () => {
    const parked = events(3);
    await park('mailer', parked);

    await expect(deadLetters.discard('mailer', {}, { actor: 'ada@ops', reason: '  ' })).rejects.toThrow(
      'reason',
    );
    const result = await deadLetters.discard(
      'mailer',
      { subject: parked[0]!.data.orderId },
      { actor: 'ada@ops', reason: 'customer cancelled; no email wanted' },
    );

    expect(result).toEqual({ discarded: 1, ids: [parked[0]!.id] });
    expect(await inspector.depth(dlqOf('mailer'))).toBe(2);
    const [row] = await auditRows([parked[0]!.id]);
    expect(row).toMatchObject({
      action: 'discard',
      actor: 'ada@ops',
      reason: 'customer cancelled; no email wanted',
      subject: parked[0]!.data.orderId,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handled).toEqual([]);
  });

  test('When a replay is stopped half-way, then every message it had not replayed is back in the DLQ', async () => {
    const parked = events(10);
    await park('mailer', parked);
    const stop = new AbortController();

    const result = await deadLetters.replay(
      'mailer',
      {},
      {
        actor: 'ada@ops',
        ratePerSecond: FAST,
        signal: stop.signal,
        onProgress: ({ done }) => done === 3 && stop.abort(),
      },
    );

    expect(result.replayed).toBe(3);
    await waitFor('3 handled', () => handled.length === 3);
    expect(await inspector.depth(dlqOf('mailer'))).toBe(7);
  });

  test('When the tool loses its connection in the middle of a replay, then no message is lost: each is handled or back in the DLQ', async () => {
    const parked = events(10);
    await park('mailer', parked);
    const doomedBroker = await Broker.connect({ url: amqpUrl(), topology, logger: testLogger() });
    const doomed = new DeadLetterQueues(doomedBroker, audit, 'orderId');

    await expect(
      doomed.replay(
        'mailer',
        {},
        {
          actor: 'ada@ops',
          ratePerSecond: 20,
          onProgress: ({ done }) => done === 3 && void doomedBroker.close(),
        },
      ),
    ).rejects.toThrow();

    await waitFor('the DLQ settled', async () => (await inspector.depth(dlqOf('mailer'))) >= 7);
    const inDlq = (await deadLetters.show('mailer')).map((message) => message.messageId);
    const seen = new Set([...inDlq, ...handled.map((delivery) => delivery.id)]);
    expect([...seen].sort()).toEqual(ids(parked));
  });

  test('When a service has no DLQ in the topology, then every command refuses it by name', async () => {
    await expect(deadLetters.show('nope')).rejects.toThrow('no dead-letter queue for service "nope"');
  });
});
