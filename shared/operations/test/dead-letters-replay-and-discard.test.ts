import { HEADERS } from '@shared/messaging';
import { REPLAY_HEADERS } from '@shared/operations';
import { OrderCompletedV1 } from '@shop/contracts/events';
import { sleep, waitFor } from '../../../test/support';
import {
  auditOf,
  deadLetters,
  events,
  FAST,
  handled,
  inspector,
  park,
  parkedIn,
  queuesOf,
  SMTP_DOWN,
  sorted,
  TRACE,
  useDeadLetterStore,
} from './dead-letters-fixture';

/**
 * Settling dead letters: the preview of a replay, the replay itself (rate,
 * headers, audit) and the discard with its reason.
 */

describe('the dead-letter store', () => {
  useDeadLetterStore();

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

  test('When a service has no DLQ in the topology, then every operation refuses it by name', async () => {
    await expect(deadLetters.search('nope', {}, { limit: 1 })).rejects.toThrow(
      'no dead-letter queue for service "nope"',
    );
    await expect(deadLetters.replay('nope', [], { actor: 'ada' })).rejects.toThrow('"nope"');
  });
});
