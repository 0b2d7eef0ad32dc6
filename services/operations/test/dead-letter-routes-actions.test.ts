import { HEADERS } from '@shared/messaging';
import { anOrderCompletedEvent } from '../../../test/order-events';
import { sleep } from '../../../test/support';
import {
  call,
  idsOf,
  inspector,
  ledger,
  park,
  parkedCount,
  prisma,
  TOKEN,
  useDeadLetterAdminApi,
} from './dead-letter-routes-fixture';

/**
 * The dead-letter admin API over HTTP: a dry run selects, and an action
 * moves exactly the ids it is given, each recorded in the audit log.
 */

describe('dead-letter admin API', () => {
  useDeadLetterAdminApi();

  test('When an operator previews a filtered replay, then replays the ids it showed, then exactly those are replayed and recorded as the admin API', async () => {
    const busy = [anOrderCompletedEvent(), anOrderCompletedEvent(), anOrderCompletedEvent()];
    const refused = [anOrderCompletedEvent(), anOrderCompletedEvent()];
    await park(busy, '421 Service not available');
    await park(refused, 'connect ECONNREFUSED');

    const list = await call('/admin/dlq', { token: TOKEN });
    const shown = await call(`/admin/dlq/ledger?order=${refused[0]!.data.orderId}`, { token: TOKEN });
    const preview = await call('/admin/dlq/ledger/preview', {
      method: 'POST',
      token: TOKEN,
      body: { action: 'replay', filter: { error: '421' }, limit: 2 },
    });
    const previewed = (await preview.json()) as { ids: string[]; matching: number; target: string };
    // Another message with the same error arrives between the dry run and the action.
    await park([anOrderCompletedEvent()], '421 Service not available');
    const replay = await call('/admin/dlq/ledger/replay', {
      method: 'POST',
      token: TOKEN,
      body: { ids: previewed.ids, rate: 100 },
    });

    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([
      expect.objectContaining({ service: 'ledger', parked: 5, arriving: 0 }),
    ]);
    const page = (await shown.json()) as { items: { messageId: string; orderId: string }[]; total: number };
    expect(page.items.map((item) => item.messageId)).toEqual([refused[0]!.id]);
    expect(page.total).toBe(1);
    expect(previewed).toMatchObject({ matching: 3, target: ledger().workQueue });
    expect(previewed.ids).toHaveLength(2);
    expect(replay.status).toBe(200);
    const result = (await replay.json()) as { replayed: number; ids: string[] };
    expect(result).toEqual({ replayed: 2, ids: previewed.ids, skipped: [] });
    const moved = await inspector.take(ledger().workQueue, 2);
    expect(moved.map((m) => m.properties.messageId).sort()).toEqual([busy[0]!.id, busy[1]!.id].sort());
    await sleep(200);
    expect(await inspector.depth(ledger().workQueue)).toBe(0);
    expect(await parkedCount()).toBe(4);
    const rows = await prisma.deadLetterAction.findMany({ where: { deadLetterId: { in: result.ids } } });
    expect(rows.map((row) => [row.action, row.actor])).toEqual([
      ['replay', 'admin-api'],
      ['replay', 'admin-api'],
    ]);
  });

  test('When one dead letter is read, then it comes with its headers and body; an id that is not one is a 404', async () => {
    const [event] = [anOrderCompletedEvent()];
    await park([event!], 'connect ECONNREFUSED');
    const [id] = await idsOf([event!]);

    const found = await call(`/admin/dlq/ledger/messages/${id}`, { token: TOKEN });
    const missing = await call('/admin/dlq/ledger/messages/00000000-0000-4000-8000-000000000000', {
      token: TOKEN,
    });
    const notAnId = await call('/admin/dlq/ledger/messages/not-an-id', { token: TOKEN });

    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({
      id,
      messageId: event!.id,
      orderId: event!.data.orderId,
      attempts: 3,
      lastError: 'connect ECONNREFUSED',
      state: 'parked',
      headers: { [HEADERS.deadLetterReason]: 'retries-exhausted' },
      body: { id: event!.id, data: { orderId: event!.data.orderId } },
    });
    for (const response of [missing, notAnId]) {
      expect(response.status).toBe(404);
      expect(((await response.json()) as { code: string }).code).toBe('DEAD_LETTERS.MESSAGE_NOT_FOUND');
    }
    expect(await parkedCount()).toBe(1);
  });

  test('When chosen dead letters are replayed and discarded, then exactly those move, and the audit log lists both actions newest first', async () => {
    const parked = [anOrderCompletedEvent(), anOrderCompletedEvent(), anOrderCompletedEvent()];
    await park(parked, 'connect ECONNREFUSED');
    const ids = await idsOf(parked);

    const replay = await call('/admin/dlq/ledger/replay', {
      method: 'POST',
      token: TOKEN,
      body: { ids: [ids[2]], rate: 100, actor: 'ada' },
    });
    const discard = await call('/admin/dlq/ledger/discard', {
      method: 'POST',
      token: TOKEN,
      body: { ids: [ids[0], ids[2]], reason: 'test order', actor: 'ada' },
    });
    const audit = await call('/admin/audit?service=ledger&limit=2', { token: TOKEN });

    expect(await replay.json()).toEqual({ replayed: 1, ids: [ids[2]], skipped: [] });
    expect(await discard.json()).toEqual({
      discarded: 1,
      ids: [ids[0]],
      skipped: [{ id: ids[2], state: 'replayed' }],
    });
    const moved = await inspector.take(ledger().workQueue, 1);
    expect(moved.map((message) => message.properties.messageId)).toEqual([parked[2]!.id]);
    expect(await parkedCount()).toBe(1);
    expect(audit.status).toBe(200);
    expect(await audit.json()).toEqual([
      expect.objectContaining({
        action: 'discard',
        deadLetterId: ids[0],
        messageId: parked[0]!.id,
        orderId: parked[0]!.data.orderId,
        actor: 'ada via admin-api',
        reason: 'test order',
        lastError: 'connect ECONNREFUSED',
      }),
      expect.objectContaining({ action: 'replay', deadLetterId: ids[2], reason: null }),
    ]);
  });
});
