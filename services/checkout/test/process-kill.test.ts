import { join } from 'node:path';
import { ChildProcessHandle } from '../../../test/child-process';
import { QueueInspector, sleep, uniquePrefix, waitFor } from '../../../test/support';
import {
  anOrderRequest,
  checkoutEnvironment,
  createTestDatabase,
  orderEventsQueue,
  postOrder,
  takeEventsFor,
  topologyFor,
} from './checkout-harness';

const MAIN = join(__dirname, '..', 'src', 'main.ts');

/** The real checkout process, killed with SIGKILL between committing an order and publishing its event. */
describe('checkout process killed before its relay publishes', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let inspector: QueueInspector;
  let prefix: string;
  const children: ChildProcessHandle[] = [];

  const startCheckoutProcess = async (env: Record<string, string>) => {
    const child = ChildProcessHandle.start(
      MAIN,
      checkoutEnvironment({ DATABASE_URL: database.url, QUEUE_PREFIX: prefix, LOG_LEVEL: 'info', ...env }),
    );
    children.push(child);
    const port = await waitFor('checkout to listen', () => {
      for (const line of child.lines) {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'listening') return entry.port;
      }
      if (child.hasExited) throw new Error('checkout exited before listening');
      return undefined;
    });
    return { child, baseUrl: `http://127.0.0.1:${port}` };
  };

  beforeAll(async () => {
    database = await createTestDatabase('process_kill');
    inspector = await QueueInspector.open();
    prefix = uniquePrefix('checkout-kill');
  });

  afterAll(async () => {
    await Promise.all(children.map((child) => (child.hasExited ? undefined : child.kill('SIGKILL'))));
    await inspector.deleteTopology(topologyFor(prefix));
    await inspector.close();
    await database.drop();
  });

  test('When checkout is killed after the order commits and before the relay publishes, then after a restart the event is published once', async () => {
    // With the relay off, every committed order stays in the outbox: the kill lands between commit and publish.
    const first = await startCheckoutProcess({ OUTBOX_RELAY_ENABLED: 'false' });
    const response = await postOrder(first.baseUrl, anOrderRequest());
    expect(response.status).toBe(201);
    const orderId: string = response.body.id;

    expect(await first.child.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const row = await database.prisma.outboxMessage.findFirstOrThrow({
      where: { payload: { path: ['data', 'orderId'], equals: orderId } },
    });
    expect(row.publishedAt).toBeNull();
    expect(await inspector.depth(orderEventsQueue(prefix))).toBe(0);

    const second = await startCheckoutProcess({ OUTBOX_POLL_MS: '100' });
    const events = await takeEventsFor(inspector, orderEventsQueue(prefix), [orderId]);
    // Several more polls: a row published but not marked would go out again.
    await sleep(500);
    events.push(
      ...(await inspector.drain(orderEventsQueue(prefix))).map((m) => JSON.parse(m.content.toString())),
    );

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: row.id, data: { orderId } });
    const published = await database.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(published.publishedAt).not.toBeNull();
    expect(await second.child.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
