import { randomBytes, randomUUID } from 'node:crypto';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { OtlpReceiver, type ReceivedSpan } from '../otlp-receiver';
import { waitFor } from '../support';
import { FULFILLMENT_SERVICES, Stack } from './stack';

/**
 * The whole shop, five processes exporting their spans over OTLP/HTTP to a
 * receiver in this test process: one order's trace, from the caller's
 * traceparent through checkout, its outbox relay, every consumer and
 * checkout's projection of their outcomes.
 */

/** The outcome event each service publishes when its task is done; checkout projects it. */
/** Each task consumer's completed event (email.confirmation.sent, ...), from the registry. */
const COMPLETED_EVENTS = SHOP_REGISTRY.entries.flatMap(({ completed }) =>
  completed ? [completed.type] : [],
);

describe('one trace per order, across every process', () => {
  let receiver: OtlpReceiver;
  let stack: Stack;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    stack = await Stack.start({
      label: 'e2e-tracing',
      // Only the endpoint: traces turn on because it is set (OTEL_TRACES_EXPORTER unset).
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  });

  const placeOrder = async (traceparent: string) => {
    const response = await fetch(`${stack.services.checkout.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent },
      body: JSON.stringify({
        customer: { email: `${randomUUID()}@example.com`, name: 'Grace Hopper' },
        items: [{ sku: 'MUG-CLASSIC', quantity: 1 }],
        payment: { cardNumber: '4242424242424242' },
      }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };

  /** Waits until the trace holds, from each service, the spans an order leaves when all went well. */
  const completeTrace = (traceId: string) =>
    waitFor(
      `the spans of every service in trace ${traceId}`,
      () => {
        const spans = receiver.spansOf(traceId);
        const projected = COMPLETED_EVENTS.every((type) =>
          spans.some((span) => span.service === 'checkout' && span.name === `process ${type}`),
        );
        const consumed = FULFILLMENT_SERVICES.every((service) =>
          spans.some((span) => span.service === service && span.kind === 'consumer'),
        );
        return projected && consumed && spans.some((span) => span.name === 'smtp send') && spans;
      },
      20_000,
    );

  const one = (spans: ReceivedSpan[], match: (span: ReceivedSpan) => boolean, what: string) => {
    const found = spans.filter(match);
    if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length}`);
    return found[0]!;
  };

  test("When an order comes with a traceparent, then checkout's request, its relay's publish, every consumer and its projection all continue that trace", async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');

    const orderId = await placeOrder(`00-${traceId}-${callerSpanId}-01`);
    await stack.waitForAllTasks(orderId, 'completed');
    const spans = await completeTrace(traceId);

    // Checkout's request: the caller's child.
    const request = one(
      spans,
      (span) => span.service === 'checkout' && span.kind === 'server',
      'request span',
    );
    expect(request).toMatchObject({ name: 'POST /orders', parentSpanId: callerSpanId });
    // The outbox row carried the request's context to the relay...
    const row = await stack.prisma.outboxMessage.findUniqueOrThrow({
      where: { id: (await stack.orderCompletedEventOf(orderId)).id },
    });
    expect(row.traceparent).toBe(`00-${traceId}-${request.spanId}-01`);
    // ...whose publish is the request's child,
    const publish = one(
      spans,
      (span) => span.service === 'checkout' && span.name === 'publish checkout.order.completed',
      'relay publish',
    );
    expect(publish).toMatchObject({ kind: 'producer', parentSpanId: request.spanId });
    // each service's handling the publish's child,
    for (const service of FULFILLMENT_SERVICES) {
      const consume = one(
        spans,
        (span) => span.service === service && span.name === 'process checkout.order.completed',
        `${service} consumer span`,
      );
      expect(consume).toMatchObject({ kind: 'consumer', parentSpanId: publish.spanId });
    }
    // and checkout's projection of each outcome continues from the service that published it.
    for (const type of COMPLETED_EVENTS) {
      const outcome = one(spans, (span) => span.name === `publish ${type}`, `${type} publish`);
      const projection = one(
        spans,
        (span) => span.service === 'checkout' && span.name === `process ${type}`,
        `projection of ${type}`,
      );
      expect(projection).toMatchObject({ kind: 'consumer', parentSpanId: outcome.spanId });
    }
    // Below the handlers: the email's SMTP exchange, and database queries.
    expect(spans).toContainEqual(
      expect.objectContaining({ service: 'email', name: 'smtp send', kind: 'client' }),
    );
    const queriesBy = new Set(
      spans.filter((span) => span.name.startsWith('prisma:')).map((span) => span.service),
    );
    expect([...queriesBy].sort()).toEqual(expect.arrayContaining(['analytics', 'checkout', 'inventory']));
    expect(receiver.rejected).toEqual([]);
  });

  test('When the traceparent is malformed, then the order is placed all the same, in a trace of its own', async () => {
    const orderId = await placeOrder('00-not-a-trace-context');
    await stack.waitForAllTasks(orderId, 'completed');

    const event = await stack.orderCompletedEventOf(orderId);
    const row = await stack.prisma.outboxMessage.findUniqueOrThrow({ where: { id: event.id } });
    const traceId = row.traceparent?.split('-')[1] ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = await completeTrace(traceId);
    const request = one(
      spans,
      (span) => span.service === 'checkout' && span.kind === 'server',
      'request span',
    );
    expect(request.parentSpanId).toBeUndefined();
  });
});
