import { join } from 'node:path';
import { ChildProcessHandle } from '../../../test/child-process';
import { QueueInspector, uniquePrefix, waitFor } from '../../../test/support';
import { passesLuhn } from '../src/domain/luhn';
import { TEST_CARDS } from '../src/payment/simulated-payment-gateway';
import { anOrderRequest, checkoutEnvironment, createTestDatabase, topologyFor } from './checkout-harness';

const MAIN = join(__dirname, '..', 'src', 'main.ts');
const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const DIGIT_RUN = /(?<!\d)\d{12,19}(?!\d)/g;

/** A card number of `length` digits that passes the Luhn check, unlike any test card. */
function aCardNumber(length: number): string {
  const body = `5${Array.from({ length: length - 2 }, () => Math.floor(Math.random() * 10)).join('')}`;
  const check = [...'0123456789'].find((digit) => passesLuhn(body + digit));
  return body + check;
}

/** Every run of 12 to 19 digits that passes the Luhn check, once UUIDs (order, event, correlation ids) are set aside. */
function cardLikeNumbersIn(line: string): string[] {
  return (line.replace(UUID, '<uuid>').match(DIGIT_RUN) ?? []).filter(passesLuhn);
}

/**
 * The real checkout process at LOG_LEVEL=debug, given orders that are
 * placed, declined and refused, with card numbers where they belong and
 * where a careless client might put them: no log line shows one.
 */
describe('card numbers in checkout logs', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let inspector: QueueInspector;
  let prefix: string;
  let checkout: ChildProcessHandle | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('card_logs');
    inspector = await QueueInspector.open();
    prefix = uniquePrefix('checkout-card-logs');
  });

  afterAll(async () => {
    if (checkout && !checkout.hasExited) await checkout.kill('SIGKILL');
    await inspector.deleteTopology(topologyFor(prefix));
    await inspector.close();
    await database.drop();
  });

  test('When orders are placed, declined and refused at LOG_LEVEL=debug, then no log line carries a card number', async () => {
    checkout = ChildProcessHandle.start(
      MAIN,
      checkoutEnvironment({
        DATABASE_URL: database.url,
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: 'debug',
        ADMIN_TOKEN,
        OUTBOX_POLL_MS: '100',
      }),
    );
    const child = checkout;
    const port = await waitFor('checkout to listen', () => {
      if (child.hasExited) throw new Error('checkout exited before listening');
      return child.lines
        .map((line) => JSON.parse(line) as { msg?: string; port?: number })
        .find((entry) => entry.msg === 'listening')?.port;
    });
    const baseUrl = `http://127.0.0.1:${port}`;
    const [visa, twelve, sixteen, nineteen] = [
      '4242424242424242',
      aCardNumber(12),
      aCardNumber(16),
      aCardNumber(19),
    ];
    const approved = [visa, twelve, sixteen, nineteen];
    const sent = [...approved, TEST_CARDS.declined, TEST_CARDS.insufficientFunds];
    const order = (cardNumber: unknown, overrides: Record<string, unknown> = {}) =>
      anOrderRequest({ payment: { cardNumber }, ...overrides });

    const statuses: number[] = [];
    const post = async (body: unknown, headers: Record<string, string> = {}, path = '/orders') => {
      const response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      statuses.push(response.status);
    };
    for (const card of approved) await post(order(card));
    await post(order(visa), { 'Idempotency-Key': `key-${visa}` });
    await post(order(visa), { 'Idempotency-Key': `key-${visa}` });
    await post(order(TEST_CARDS.declined));
    await post(order(TEST_CARDS.declined), { 'Idempotency-Key': 'declined-once' });
    await post(order(TEST_CARDS.declined), { 'Idempotency-Key': 'declined-once' });
    await post(order(TEST_CARDS.insufficientFunds));
    // Refused: a failing Luhn check, a wrong type, a wrong length, unknown SKUs, malformed JSON.
    await post(order('4242424242424241'));
    await post(order(Number(visa)));
    await post(order(`${visa}0000`));
    await post(order(twelve, { items: [{ sku: 'NO-SUCH-THING', quantity: 1 }] }));
    await post(order(sixteen, { customer: { email: 'not-an-email', name: '' } }));
    await post(`{"payment":{"cardNumber":"${nineteen}"},`);
    await post(`"${nineteen}`);
    await post({ payment: visa });
    // Where a careless client puts one: the URL, a header, an unknown field, the orders search.
    await post(order(visa), {}, `/orders?cardNumber=${visa}`);
    await post(order(twelve), { 'x-card-number': twelve });
    await post({ ...order(sixteen), card: sixteen });
    statuses.push((await fetch(`${baseUrl}/orders/${visa}`)).status);
    const asOperator = { authorization: `Bearer ${ADMIN_TOKEN}` };
    statuses.push((await fetch(`${baseUrl}/orders?limit=${nineteen}`, { headers: asOperator })).status);

    expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(approved.length);
    expect(statuses).toContain(402);
    expect(statuses).toContain(400);
    expect(statuses.every((status) => status < 500)).toBe(true);
    // Let the relay publish and log, then stop the process so every line is flushed.
    await waitFor(
      'the relay to publish every order',
      async () => (await database.prisma.outboxMessage.count({ where: { publishedAt: null } })) === 0,
    );
    expect(await child.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    const lines = child.lines;
    // Debug logging was on: the relay logs each batch of rows it marks published,
    // whichever way they went out (handed over after the commit, or by the sweep).
    expect(lines.some((line) => line.includes('"level":"debug"') && line.includes('marked published'))).toBe(
      true,
    );
    expect(lines.filter((line) => line.includes('"url":"/orders'))).not.toHaveLength(0);
    for (const line of lines) {
      for (const card of sent) expect(line).not.toContain(card);
      expect(cardLikeNumbersIn(line)).toEqual([]);
    }
  });
});
