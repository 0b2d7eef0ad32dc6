import { join } from 'node:path';
import { passesLuhn } from '@shop/checkout';
import { ChildProcessHandle } from '../../../test/child-process';
import { QueueInspector, uniquePrefix, waitFor } from '../../../test/support';
import { createTestDatabase, operationsEnvironment, topologyFor } from './operations-harness';

const MAIN = join(__dirname, '..', 'src', 'main.ts');
const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const DIGIT_RUN = /(?<!\d)\d{12,19}(?!\d)/g;

/** Every run of 12 to 19 digits that passes the Luhn check, once UUIDs are set aside. */
function cardLikeNumbersIn(line: string): string[] {
  return (line.replace(UUID, '<uuid>').match(DIGIT_RUN) ?? []).filter(passesLuhn);
}

/**
 * The real operations process at LOG_LEVEL=debug, given card numbers where a
 * careless operator might put them (a discard's reason, a filter, the audit's
 * order): no log line shows one. Checkout's own test covers the orders.
 */
describe('card numbers in the operations logs', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let inspector: QueueInspector;
  let prefix: string;
  let operations: ChildProcessHandle | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('operations_card_logs');
    inspector = await QueueInspector.open();
    prefix = uniquePrefix('operations-card-logs');
  });

  afterAll(async () => {
    if (operations && !operations.hasExited) await operations.kill('SIGKILL');
    await inspector.deleteTopology(topologyFor(prefix));
    await inspector.close();
    await database.drop();
  });

  test('When an operator sends card numbers in a discard, a search and the audit filter at LOG_LEVEL=debug, then no log line carries one', async () => {
    operations = ChildProcessHandle.start(
      MAIN,
      operationsEnvironment({
        DATABASE_URL: database.url,
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'debug',
        ADMIN_TOKEN,
      }),
    );
    const child = operations;
    const port = await waitFor('operations to listen', () => {
      if (child.hasExited) throw new Error('operations exited before listening');
      return child.lines
        .map((line) => JSON.parse(line) as { msg?: string; port?: number })
        .find((entry) => entry.msg === 'listening')?.port;
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const [visa, nineteen] = ['4242424242424242', '4000000000000000006'];
    const asOperator = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

    const statuses = [
      (
        await fetch(`${baseUrl}/admin/dlq/email/discard`, {
          method: 'POST',
          headers: asOperator,
          body: JSON.stringify({ reason: visa, orderId: nineteen }),
        })
      ).status,
      (await fetch(`${baseUrl}/admin/dlq/email?order=${visa}&error=${nineteen}`, { headers: asOperator }))
        .status,
      (await fetch(`${baseUrl}/admin/audit?order=${nineteen}`, { headers: asOperator })).status,
    ];

    expect(statuses).toEqual([400, 200, 200]);
    expect(await child.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    const lines = child.lines;
    expect(lines.filter((line) => line.includes('"url":"/admin'))).not.toHaveLength(0);
    for (const line of lines) {
      for (const card of [visa, nineteen]) expect(line).not.toContain(card);
      expect(cardLikeNumbersIn(line)).toEqual([]);
    }
  });
});
