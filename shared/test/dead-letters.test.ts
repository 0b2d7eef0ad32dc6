import { createPrismaClient, type PrismaClient } from '@shop/contracts/database';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { DeadLetterDrain, DeadLetterStore, DeadLetters, REPLAY_HEADERS } from '@shop/shared/dead-letters';
import { Broker, HEADERS, type Topology } from '@shop/shared/messaging';
import { anOrderCompletedEvent, type OrderCompleted } from '../../test/order-events';
import {
  amqpUrl,
  databaseUrl,
  QueueInspector,
  sleep,
  testLogger,
  testTopology,
  uniquePrefix,
  waitFor,
} from '../../test/support';

/**
 * The dead-letter store against the real broker and database. Messages are
 * parked by publishing them straight into a DLQ with the headers the
 * consumer writes; the drain moves them into the store. "mailer" has a live
 * subscription (replays are counted as it handles them); "ledger" has none,
 * so its work queue can be inspected.
 */

const SMTP_DOWN = 'connect ECONNREFUSED 127.0.0.1:2525';
const TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const FAST = 500;
const TABLES = { deadLetters: 'operations.dead_letters', audit: 'operations.dead_letter_actions' };

describe('the dead-letter store', () => {
  let topology: Topology;
  let broker: Broker;
  let inspector: QueueInspector;
  let prisma: PrismaClient;
  let store: DeadLetterStore;
  let deadLetters: DeadLetters;
  /** Every delivery the mailer's handler received: event id and attempt. */
  const handled: { id: string; attempt: number }[] = [];

  const queuesOf = (service: string) => topology.services.find((queues) => queues.service === service)!;
  const dlqOf = (service: string) => queuesOf(service).deadLetterQueue;
  const parkedIn = async (service: string) => (await deadLetters.search(service, {}, { limit: 500 })).items;

  /** Publishes events into `service`'s DLQ as the consumer parks them after the given failure. */
  function publishParked(
    service: string,
    events: OrderCompleted[],
    {
      error = SMTP_DOWN,
      code = 'ECONNREFUSED',
      parkedAt = new Date(),
      reason = 'retries-exhausted',
    }: { error?: string; code?: string; parkedAt?: Date; reason?: string } = {},
  ) {
    for (const event of events) {
      inspector.channel.sendToQueue(dlqOf(service), Buffer.from(JSON.stringify(event)), {
        messageId: event.id,
        type: event.type,
        contentType: 'application/json',
        persistent: true,
        headers: {
          [HEADERS.correlationId]: event.correlationId,
          traceparent: TRACE,
          [HEADERS.attempt]: 3,
          [HEADERS.firstFailureAt]: new Date(parkedAt.getTime() - 1_000).toISOString(),
          [HEADERS.lastError]: error,
          [HEADERS.lastErrorCode]: code,
          [HEADERS.deadLetterReason]: reason,
          [HEADERS.deadLetteredAt]: parkedAt.toISOString(),
          [HEADERS.deadLetteredBy]: service,
        },
      });
    }
  }

  /** Parks events and waits until the drain has them all in the store. */
  async function park(
    service: string,
    events: OrderCompleted[],
    options?: Parameters<typeof publishParked>[2],
  ) {
    const before = (await parkedIn(service)).length;
    publishParked(service, events, options);
    await waitFor(
      'the drain stored them',
      async () => (await parkedIn(service)).length === before + events.length,
    );
  }

  const events = (count: number) => Array.from({ length: count }, () => anOrderCompletedEvent());
  const sorted = (list: string[]) => [...list].sort();
  const auditOf = (deadLetterIds: string[]) =>
    prisma.deadLetterAction.findMany({ where: { deadLetterId: { in: deadLetterIds } } });

  beforeAll(async () => {
    const routingKeys = [OrderCompletedV1.routingKey];
    topology = testTopology(uniquePrefix('dead-letters'), [
      { service: 'mailer', queue: 'order-completed', routingKeys },
      { service: 'ledger', queue: 'order-completed', routingKeys },
    ]);
    inspector = await QueueInspector.open();
    prisma = createPrismaClient(databaseUrl(), { poolSize: 4 });
    store = new DeadLetterStore(prisma, TABLES);
    broker = await Broker.connect({ url: amqpUrl(), topology, service: 'mailer', logger: testLogger() });
    broker.subscribe({
      service: 'mailer',
      contracts: [OrderCompletedV1],
      handler: async (event, { attempt }) => {
        handled.push({ id: event.id, attempt });
      },
    });
    deadLetters = new DeadLetters(broker, store, 'orderId');
    deadLetters.startDrain(testLogger());
  });

  beforeEach(async () => {
    handled.length = 0;
    await prisma.$executeRawUnsafe(
      'DELETE FROM operations.dead_letters WHERE queue = ANY($1::text[])',
      topology.services.map(({ deadLetterQueue }) => deadLetterQueue),
    );
    for (const queues of topology.services) await inspector.channel.purgeQueue(queues.workQueue);
  });

  afterAll(async () => {
    await broker.close();
    await inspector.deleteTopology(topology);
    await inspector.close();
    await prisma.$disconnect();
  });

  test('When messages are parked, then the drain moves each into the store once, empties the DLQ, and the summary counts them with the oldest', async () => {
    await park('mailer', events(1), { parkedAt: new Date(Date.now() - 90_000) });
    await park('mailer', events(2));

    const summaries = await deadLetters.summary();

    expect(summaries).toEqual([
      {
        service: 'mailer',
        queue: dlqOf('mailer'),
        parked: 3,
        oldestParkedAt: expect.any(String),
        oldestAgeMs: expect.any(Number),
        arriving: 0,
      },
      {
        service: 'ledger',
        queue: dlqOf('ledger'),
        parked: 0,
        oldestParkedAt: null,
        oldestAgeMs: null,
        arriving: 0,
      },
    ]);
    expect(summaries[0]!.oldestAgeMs).toBeGreaterThanOrEqual(90_000);
    expect(summaries[0]!.oldestAgeMs).toBeLessThan(100_000);
    expect(await inspector.depth(dlqOf('mailer'))).toBe(0);
  });

  test('When the same copy reaches the drain twice (an ack lost with its channel), then it is stored once; the same event parked again later is a new dead letter', async () => {
    const [event] = events(1);
    const parkedAt = new Date();
    publishParked('mailer', [event!], { parkedAt });
    publishParked('mailer', [event!], { parkedAt });
    await waitFor('the DLQ drained', async () => (await inspector.depth(dlqOf('mailer'))) === 0);
    await sleep(300);
    expect(await parkedIn('mailer')).toHaveLength(1);

    await park('mailer', [event!], { parkedAt: new Date(parkedAt.getTime() + 5_000) });

    const parked = await parkedIn('mailer');
    expect(parked.map(({ messageId }) => messageId)).toEqual([event!.id, event!.id]);
    expect(new Set(parked.map(({ id }) => id)).size).toBe(2);
  });

  test('When a dead letter is searched and read, then it comes with its type, order, attempts, errors and times, its headers, and its body byte for byte', async () => {
    const [event] = events(1);
    const parkedAt = new Date();
    await park('mailer', [event!], { parkedAt });

    const [found] = await parkedIn('mailer');
    const detail = await deadLetters.read('mailer', found!.id);

    expect(found).toEqual({
      id: expect.any(String),
      service: 'mailer',
      messageId: event!.id,
      type: 'checkout.order.completed',
      subject: event!.data.orderId,
      correlationId: event!.correlationId,
      attempts: 3,
      reason: 'retries-exhausted',
      lastError: SMTP_DOWN,
      lastErrorCode: 'ECONNREFUSED',
      firstFailureAt: new Date(parkedAt.getTime() - 1_000).toISOString(),
      parkedAt: parkedAt.toISOString(),
      state: 'parked',
      settledAt: null,
    });
    expect(detail).toMatchObject({
      contentType: 'application/json',
      headers: { traceparent: TRACE, [HEADERS.deadLetteredBy]: 'mailer' },
      body: event,
    });
    expect(await deadLetters.read('mailer', '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await deadLetters.read('ledger', found!.id)).toBeNull();
  });

  test('When a parked body is not JSON, or its headers hold text Postgres cannot store, then the drain stores it all the same', async () => {
    inspector.channel.sendToQueue(dlqOf('ledger'), Buffer.from([0x7b, 0x00, 0xff, 0xfe]), {
      messageId: 'malformed-1',
      persistent: true,
      headers: {
        [HEADERS.lastError]: 'bad \u0000 byte and a lone \ud800 surrogate',
        [HEADERS.deadLetterReason]: 'malformed-json',
        [HEADERS.deadLetteredAt]: 'not a date',
        'x-bytes': Buffer.from([1, 2, 3]),
      },
    });

    await waitFor('stored', async () => (await parkedIn('ledger')).length === 1);
    const [stored] = await parkedIn('ledger');
    expect(stored).toMatchObject({
      messageId: 'malformed-1',
      type: null,
      subject: null,
      reason: 'malformed-json',
      lastError: 'bad \uFFFD byte and a lone \uFFFD surrogate',
    });
    const detail = await deadLetters.read('ledger', stored!.id);
    expect(detail!.body).toBe(Buffer.from([0x7b, 0x00, 0xff, 0xfe]).toString('utf8'));
    const raw = await prisma.deadLetter.findUniqueOrThrow({ where: { id: stored!.id } });
    expect(Buffer.from(raw.body)).toEqual(Buffer.from([0x7b, 0x00, 0xff, 0xfe]));
  });

  test('When the search filters by order, type, error code, error text and time window, then exactly the matching dead letters come back, a page at a time with their total', async () => {
    const now = Date.now();
    const early = events(2);
    const busy = events(3);
    const refused = events(4);
    await park('mailer', early, { parkedAt: new Date(now - 3 * 3_600_000) });
    await park('mailer', busy, { error: '421 4.3.2 Service not available', code: 'EMAIL.SMTP_421' });
    await park('mailer', refused);

    const page = (filter: Parameters<DeadLetters['search']>[1], limit = 500) =>
      deadLetters.search('mailer', filter, { limit });
    const idsOf = async (filter: Parameters<DeadLetters['search']>[1]) =>
      sorted((await page(filter)).items.map(({ messageId }) => messageId));

    expect(await idsOf({ subject: busy[1]!.data.orderId })).toEqual([busy[1]!.id]);
    expect(await idsOf({ errorCode: 'EMAIL.SMTP_421' })).toEqual(sorted(busy.map(({ id }) => id)));
    expect(await idsOf({ errorContains: 'econnrefused' })).toEqual(
      sorted([...early, ...refused].map(({ id }) => id)),
    );
    expect(await idsOf({ since: new Date(now - 3_600_000) })).toEqual(
      sorted([...busy, ...refused].map(({ id }) => id)),
    );
    expect(await idsOf({ until: new Date(now - 3_600_000), type: OrderCompletedV1.type })).toEqual(
      sorted(early.map(({ id }) => id)),
    );
    expect(await idsOf({ type: 'email.review-request.due' })).toEqual([]);

    const first = await page({}, 4);
    expect(first.items).toHaveLength(4);
    expect(first.total).toBe(9);
    const second = await deadLetters.search('mailer', {}, { limit: 4, after: first.next! });
    const third = await deadLetters.search('mailer', {}, { limit: 4, after: second.next! });
    expect(third.next).toBeNull();
    const all = [...first.items, ...second.items, ...third.items].map(({ id }) => id);
    expect(new Set(all).size).toBe(9);
    expect(first.items[0]!.messageId).toBe(early[0]!.id);
  });

  test('When a replay is previewed, then the dry run names exactly what it would send and where, grouped by failure, and changes nothing', async () => {
    const busy = events(2);
    const refused = events(3);
    await park('mailer', busy, { error: '421 busy', code: 'EMAIL.SMTP_421' });
    await park('mailer', refused);

    const byFilter = await deadLetters.preview('mailer', 'replay', {
      filter: { errorContains: '421' },
      limit: 1,
    });
    const all = await parkedIn('mailer');
    const [settled] = (await deadLetters.discard('mailer', [all[0]!.id], { actor: 'ada', reason: 'test' }))
      .ids;
    const byIds = await deadLetters.preview('mailer', 'discard', {
      ids: [...all.map(({ id }) => id), '00000000-0000-4000-8000-000000000000'],
    });

    expect(byFilter).toEqual({
      action: 'replay',
      service: 'mailer',
      target: queuesOf('mailer').workQueue,
      ids: [all.find(({ messageId }) => messageId === busy[0]!.id)!.id],
      matching: 2,
      groups: [
        {
          type: OrderCompletedV1.type,
          lastErrorCode: 'EMAIL.SMTP_421',
          reason: 'retries-exhausted',
          count: 1,
        },
      ],
      skipped: [],
    });
    expect(byIds.target).toBeNull();
    expect(byIds.ids).toHaveLength(4);
    expect(byIds.skipped).toEqual([
      { id: settled, state: 'discarded' },
      { id: '00000000-0000-4000-8000-000000000000', state: 'missing' },
    ]);
    expect(byIds.groups).toEqual([
      { type: OrderCompletedV1.type, lastErrorCode: 'ECONNREFUSED', reason: 'retries-exhausted', count: 3 },
      { type: OrderCompletedV1.type, lastErrorCode: 'EMAIL.SMTP_421', reason: 'retries-exhausted', count: 1 },
    ]);
    await sleep(300);
    expect(handled).toEqual([]);
    expect((await parkedIn('mailer')).length).toBe(4);
  });

  test('When 5 of 20 dead letters are replayed by id, then exactly those are handled, once, at the capped rate, attempt reset, each audited; a second replay of them sends nothing', async () => {
    const parked = events(20);
    await park('mailer', parked);
    const chosen = (await parkedIn('mailer')).slice(0, 5).map(({ id }) => id);

    const startedAt = Date.now();
    const first = await deadLetters.replay('mailer', chosen, { actor: 'ada@ops', ratePerSecond: 10 });
    const elapsedMs = Date.now() - startedAt;

    expect(first).toEqual({ replayed: 5, ids: chosen, skipped: [] });
    await waitFor('5 handled', () => handled.length === 5);
    expect(handled.every((delivery) => delivery.attempt === 1)).toBe(true);
    // Five replays 100 ms apart: the fifth starts 400 ms after the first.
    expect(elapsedMs).toBeGreaterThanOrEqual(400);
    expect(await parkedIn('mailer')).toHaveLength(15);
    const replayed = await deadLetters.search('mailer', { state: 'replayed' }, { limit: 100 });
    expect(sorted(replayed.items.map(({ id }) => id))).toEqual(sorted(chosen));
    expect(replayed.items.every(({ settledAt }) => settledAt !== null)).toBe(true);
    const audit = await auditOf(chosen);
    expect(audit).toHaveLength(5);
    expect(
      audit.every((row) => row.action === 'replay' && row.actor === 'ada@ops' && row.service === 'mailer'),
    ).toBe(true);
    expect(audit.every((row) => row.lastError === SMTP_DOWN && row.orderId !== null)).toBe(true);

    const again = await deadLetters.replay('mailer', chosen, { actor: 'ada@ops', ratePerSecond: FAST });
    expect(again.replayed).toBe(0);
    expect(again.skipped).toEqual(chosen.map((id) => ({ id, state: 'replayed' })));
    await sleep(300);
    expect(handled).toHaveLength(5);
    expect(await auditOf(chosen)).toHaveLength(5);
  });

  test('When a dead letter is replayed, then it is the original event with its message id, correlation id and trace, attempt 1 of a new run after the 3 made, and the replay noted in its headers', async () => {
    const [event] = events(1);
    await park('ledger', [event!]);
    const [parked] = await parkedIn('ledger');

    await deadLetters.replay('ledger', [parked!.id], { actor: 'grace@ops', ratePerSecond: FAST });

    const [replayed] = await inspector.take(queuesOf('ledger').workQueue, 1);
    const { properties } = replayed!;
    expect(properties.messageId).toBe(event!.id);
    expect(properties.type).toBe(event!.type);
    expect(properties.contentType).toBe('application/json');
    expect(JSON.parse(replayed!.content.toString())).toEqual(event);
    // x-delivery-count is the work queue's own counter, set on every delivery.
    const {
      [HEADERS.deliveryCount]: _own,
      [HEADERS.acquiredCount]: _acquired,
      ...headers
    } = properties.headers ?? {};
    expect(headers).toEqual({
      [HEADERS.correlationId]: event!.correlationId,
      traceparent: TRACE,
      [HEADERS.attempt]: 1,
      [HEADERS.priorAttempts]: 3,
      [HEADERS.enqueuedAt]: expect.any(Number),
      [REPLAY_HEADERS.replayedAfterError]: SMTP_DOWN,
      [REPLAY_HEADERS.replayedAt]: expect.any(String),
      [REPLAY_HEADERS.replayedBy]: 'grace@ops',
    });
  });

  test('When dead letters are discarded, then a reason is required, exactly the chosen ones are settled, never handled, with the reason audited; the rest stay parked', async () => {
    const parked = events(3);
    await park('mailer', parked);
    const [chosen, ...rest] = (await parkedIn('mailer')).map(({ id }) => id);

    await expect(
      deadLetters.discard('mailer', [chosen!], { actor: 'ada@ops', reason: '  ' }),
    ).rejects.toThrow('reason');
    const result = await deadLetters.discard('mailer', [chosen!, chosen!], {
      actor: 'ada@ops',
      reason: 'customer cancelled; no email wanted',
    });

    expect(result).toEqual({ discarded: 1, ids: [chosen], skipped: [] });
    expect(sorted((await parkedIn('mailer')).map(({ id }) => id))).toEqual(sorted(rest));
    const [row] = await auditOf([chosen!]);
    expect(row).toMatchObject({
      action: 'discard',
      actor: 'ada@ops',
      reason: 'customer cancelled; no email wanted',
      orderId: parked[0]!.data.orderId,
    });
    expect(await deadLetters.replay('mailer', [chosen!], { actor: 'ada@ops', ratePerSecond: FAST })).toEqual({
      replayed: 0,
      ids: [],
      skipped: [{ id: chosen, state: 'discarded' }],
    });
    await sleep(300);
    expect(handled).toEqual([]);
  });

  test('When the store cannot be written, then the drain holds the message and stores it once Postgres answers; nothing returns to the DLQ meanwhile', async () => {
    const failing = { failures: 3, calls: 0 };
    const flaky = {
      park: async (record: Parameters<DeadLetterStore['park']>[0]) => {
        failing.calls += 1;
        if (failing.calls <= failing.failures) throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        return store.park(record);
      },
    };
    const holdTopology = testTopology(uniquePrefix('dead-letter-hold'), [
      { service: 'mailer', queue: 'order-completed', routingKeys: [OrderCompletedV1.routingKey] },
    ]);
    const holdBroker = await Broker.connect({ url: amqpUrl(), topology: holdTopology, logger: testLogger() });
    try {
      holdBroker.attach(new DeadLetterDrain(holdTopology.services, flaky, 'orderId', testLogger()));
      const [event] = events(1);
      const dlq = holdTopology.services[0]!.deadLetterQueue;
      inspector.channel.sendToQueue(dlq, Buffer.from(JSON.stringify(event)), {
        messageId: event!.id,
        persistent: true,
        headers: { [HEADERS.deadLetteredAt]: new Date().toISOString() },
      });

      const holding = new DeadLetters(holdBroker, store, 'orderId');
      await waitFor(
        'stored after three failures',
        async () => (await holding.search('mailer', {}, { limit: 10 })).total === 1,
      );
      // The drain itself tried again with the delivery it held: four tries, one row, an empty DLQ.
      expect(failing.calls).toBe(4);
      expect(await inspector.depth(dlq)).toBe(0);
    } finally {
      await holdBroker.close();
      await inspector.deleteTopology(holdTopology);
    }
  });

  test('When a service has no DLQ in the topology, then every operation refuses it by name', async () => {
    await expect(deadLetters.search('nope', {}, { limit: 1 })).rejects.toThrow(
      'no dead-letter queue for service "nope"',
    );
    await expect(deadLetters.replay('nope', [], { actor: 'ada' })).rejects.toThrow('"nope"');
  });
});
