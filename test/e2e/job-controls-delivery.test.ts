import { randomUUID } from 'node:crypto';
import { createEvent } from '@shared/messaging';
import { ReviewRequestDueV1 } from '@shop/contracts/events';
import { sleep, waitFor } from '../support';
import {
  address,
  busiest,
  type ConsumerState,
  emailState,
  emails,
  mailsMatching,
  metric,
  run,
  stack,
  startEmails,
  useJobControlsStack,
  waitForEmail,
} from './job-controls-fixture';

/**
 * The controls on how email delivers, against the whole shop: pause with two
 * replicas, a rate limit shared by three, the circuit breaker, and priority.
 * Each test starts the email processes it needs (the stack's own is stopped)
 * and stops them after.
 */

describe('job controls', () => {
  useJobControlsStack();

  test('When email is paused, then both replicas hold and orders wait in its queue; on resume each is sent once', async () => {
    const replicas = await startEmails(2);
    await waitForEmail('two consumers on email', (state) => state.consumers === 2);

    const paused = await stack.admin<ConsumerState>('/admin/consumers/email/pause', { actor: 'test' });
    expect(paused.status).toBe(200);
    expect(paused.body.paused).toBe(true);
    await waitForEmail('no consumer on email', (state) => state.consumers === 0);
    for (const replica of replicas)
      expect(await metric(replica, 'shop_consumer_paused{service="email"}')).toBe(1);

    const orderIds = await Promise.all(
      [0, 1, 2, 3].map((index) => stack.placeOrder(address('paused', index))),
    );
    await waitFor('the other tasks completed', async () => {
      const orders = await Promise.all(orderIds.map((id) => stack.order(id)));
      return orders.every((order) => order.fulfillment?.receipt.status === 'completed');
    });
    await sleep(1_000);
    expect(mailsMatching('paused')).toHaveLength(0);
    expect(await stack.shop.inspector.depth(stack.shop.queuesOf('email').workQueue)).toBe(4);

    const resumed = await stack.admin<ConsumerState>('/admin/consumers/email/resume', { actor: 'test' });
    expect(resumed.body.paused).toBe(false);
    await waitFor('four confirmations', () => mailsMatching('paused').length === 4);
    await sleep(500);
    expect(new Set(mailsMatching('paused').map((mail) => mail.recipients[0])).size).toBe(4);
    expect(mailsMatching('paused')).toHaveLength(4);
    await waitForEmail('two consumers again', (state) => state.consumers === 2);
  });

  test('When EMAIL_RATE_LIMIT=10/s and three replicas send, then together they take at most 10 turns in any second, each send has its own, and waiting is no attempt', async () => {
    const orders = 40;
    // Debug logs: each replica logs the turns the limiter gives it ("rate limit turn").
    const replicas = await startEmails(3, { EMAIL_RATE_LIMIT: '10/s', LOG_LEVEL: 'debug' });
    expect((await emailState()).rateLimit).toBe('10/s');
    // Warm up: a replica's first send opens its SMTP connection and loads code, which bunches
    // the first arrivals; the broker hands these six out round robin, two per replica.
    await Promise.all([0, 1, 2, 3, 4, 5].map((index) => stack.placeOrder(address('warm-up', index))));
    await waitFor('the warm-up sent', () => mailsMatching('warm-up').length === 6);

    // The orders wait in the queue while email is paused, so that on resume the replicas ask
    // for turns faster than the limit gives them: the limit, not the orders, sets the pace.
    await stack.admin('/admin/consumers/email/pause', { actor: 'test' });
    await waitForEmail('no consumer on email', (state) => state.consumers === 0);
    const orderIds: string[] = [];
    for (let index = 0; index < orders; index += 8) {
      orderIds.push(
        ...(await Promise.all(
          Array.from({ length: 8 }, (_, offset) => stack.placeOrder(address('rate', index + offset))),
        )),
      );
    }
    const { workQueue } = stack.shop.queuesOf('email');
    await waitFor(
      `${orders} orders waiting`,
      async () => (await stack.shop.inspector.depth(workQueue)) === orders,
    );
    await stack.admin('/admin/consumers/email/resume', { actor: 'test' });
    await waitFor(`${orders} confirmations`, () => mailsMatching('rate').length === orders, 30_000);

    // The limiter's promise, checked on what it promises: the turns it gave the three replicas
    // together, each on the database's clock (to the microsecond, read back from milliseconds),
    // at most 10 in any second, start included and end excluded. Each confirmation went out on
    // a turn of its own (its event's). How close the orders' turns come to the rate depends on
    // how fast the replicas send (each holds PREFETCH deliveries, and asks for a turn only for
    // one waiting): above 9 a second in one run, 7.4 in another on a loaded machine. Only the upper
    // bound is the limiter's; the lower one says the replicas were not starved.
    // Arrival times at the SMTP server are not held to a window: a send arrives some time after
    // its turn (composing, the claim, SMTP), and on a busy two-core machine that time ranged from
    // 11 to 177 ms in one run and from 43 to 967 ms in another, which put 22 and 25 arrivals into
    // the busiest two seconds while the turns held exactly 20. Such a bound measures the machine;
    // an earlier version held it to 22, then 25, for a limiter that allowed 21 turns there.
    const turnOf = new Map(
      replicas
        .flatMap((replica) => replica.handle.lines.filter((line) => line.includes('"rate limit turn"')))
        .map((line) => JSON.parse(line) as { messageId: string; turn: number })
        .map(({ messageId, turn }) => [messageId, Math.round(turn * 1_000)]),
    );
    const turns = [...turnOf.values()].sort((a, b) => a - b);
    expect(busiest(turns, 1_000_000)).toBeLessThanOrEqual(10);
    const rateTurns = mailsMatching('rate')
      .map((mail) => turnOf.get(/^<order-confirmation\.(.+)@/.exec(mail.parsed.messageId ?? '')?.[1] ?? ''))
      .filter((turn) => turn !== undefined)
      .sort((a, b) => a - b);
    expect(rateTurns).toHaveLength(orders);
    const perSecond = ((orders - 1) * 1_000_000) / (rateTurns.at(-1)! - rateTurns[0]!);
    expect(perSecond).toBeLessThanOrEqual(10);
    expect(perSecond).toBeGreaterThan(5);
    // One order at a time: forty pollers at once would load checkout, on two cores, more than
    // the projection they wait for.
    const attempts: number[] = [];
    for (const id of orderIds)
      attempts.push((await stack.waitForAllTasks(id, 'completed')).fulfillment!.email.attempts);
    expect(new Set(attempts)).toEqual(new Set([1]));
    expect(
      await metric(emails[0]!, 'shop_rate_limit_wait_seconds_count{service="email",priority="main"}'),
    ).toBeGreaterThan(0);
  }, 60_000);

  test('When SMTP cannot be reached, then the circuit opens instead of burning retries: while it is open only its probes attempt, a failed probe opens it again, and a good one closes it', async () => {
    await stack.smtp.stop();
    const [email] = await startEmails(1, { CIRCUIT_BREAKER_THRESHOLD: '3', CIRCUIT_BREAKER_COOL_DOWN: '2s' });
    const failures =
      'shop_message_attempts_failed_total{service="email",queue="' +
      `${stack.shop.queuesOf('email').workQueue}",code="EMAIL.SMTP_UNREACHABLE"}`;
    const probes = 'shop_circuit_transitions_total{service="email",to="half-open"}';
    const reopened = 'shop_circuit_transitions_total{service="email",to="open"}';
    /** One scrape, so the series read together belong to one moment. */
    const scrape = async () => {
      const text = await (await email!.get('/metrics')).text();
      return (series: string) => {
        const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
        return line ? Number(line.slice(series.length + 1)) : 0;
      };
    };

    // One order's attempts follow one another through the retry tiers, and open the circuit.
    const customers = [address('breaker', 0), address('breaker', 1)];
    const orderIds = [await stack.placeOrder(customers[0]!)];
    await waitForEmail('the circuit open', (state) => state.circuit.state === 'open');
    // The replica hears the open circuit and cancels its consumer a moment later.
    await waitForEmail('no consumer on email', (state) => state.consumers === 0);
    const open = async () => {
      const read = await scrape();
      return read('shop_circuit_state{service="email"}') === 2 && read;
    };
    const atOpen = await waitFor('the replica open', open);
    expect(atOpen(failures)).toBeGreaterThanOrEqual(3);

    // A second order arrives while the circuit is open: it waits in the queue.
    orderIds.push(await stack.placeOrder(customers[1]!));
    // The first probe finds SMTP still down: open again. Read while the circuit is open (no
    // probe under way): every failed attempt since it opened was a probe's, one each.
    const reopenedAt = await waitFor(
      'a failed probe, the circuit open again',
      async () => {
        const read = await open();
        return read && read(reopened) > atOpen(reopened) && read;
      },
      15_000,
    );
    expect(reopenedAt(probes)).toBeGreaterThanOrEqual(1);
    expect(reopenedAt(failures) - atOpen(failures)).toBe(reopenedAt(probes) - atOpen(probes));

    await stack.smtp.listen();
    await waitForEmail('the circuit closed', (state) => state.circuit.state === 'closed', 10_000);
    for (const customer of customers) await stack.smtp.waitForMailsTo(customer, 1);
    await sleep(500);
    for (const customer of customers) expect(stack.smtp.mailsTo(customer)).toHaveLength(1);
    // Two orders, and far fewer attempts than their nine each: the breaker held them.
    const attempts = await Promise.all(
      orderIds.map(async (id) => (await stack.waitForAllTasks(id, 'completed')).fulfillment!.email.attempts),
    );
    expect(attempts.reduce((sum, count) => sum + count, 0)).toBeLessThanOrEqual(8);
  }, 60_000);

  test('When 1,000 review requests wait, then a confirmation published after them is sent within PREFETCH + 1 sends', async () => {
    const prefetch = 5;
    await startEmails(1, { PREFETCH: String(prefetch) });
    await stack.admin('/admin/consumers/email/pause', { actor: 'test' });
    await waitForEmail('no consumer on email', (state) => state.consumers === 0);

    const { jobQueue, workQueue } = stack.shop.queuesOf('email');
    await Promise.all(
      Array.from({ length: 1_000 }, (_, index) =>
        stack.shop.broker.publish(
          createEvent(
            ReviewRequestDueV1,
            {
              orderId: randomUUID(),
              customer: { email: address('low', index), name: 'Ada' },
              items: [{ sku: 'MUG-CLASSIC', name: 'Classic mug' }],
              placedAt: new Date().toISOString(),
            },
            { correlationId: `priority-${run}` },
          ),
        ),
      ),
    );
    // At least: jobs an earlier test planned may have fallen due meanwhile.
    await waitFor(
      '1,000 jobs waiting',
      async () => (await stack.shop.inspector.depth(jobQueue!.name)) >= 1_000,
    );
    const customer = address('high');
    await stack.placeOrder(customer);
    await waitFor(
      'the confirmation waiting',
      async () => (await stack.shop.inspector.depth(workQueue)) === 1,
    );

    const resumedAt = Date.now();
    await stack.admin('/admin/consumers/email/resume', { actor: 'test' });
    const [confirmation] = await stack.smtp.waitForMailsTo(customer, 1, 20_000);
    const before = stack.smtp.received.filter(
      (mail) => mail.arrivedAt >= resumedAt && mail.arrivedAt < confirmation!.arrivedAt,
    );
    expect(before.length).toBeLessThanOrEqual(prefetch);
    await stack.admin('/admin/consumers/email/pause', { actor: 'test' });
  }, 60_000);
});
