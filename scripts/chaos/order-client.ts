import { randomUUID } from 'node:crypto';

/** What became of one order the client placed. */
export interface PlacedOrder {
  index: number;
  email: string;
  idempotencyKey: string;
  /** The order id of the definite answer: a 201, or a refusal that names it. */
  orderId?: string;
  /** The definite answer's status (201, or a 4xx that is final). */
  status?: number;
  attempts: number;
}

const ORDER_ITEMS = [
  { sku: 'MUG-CLASSIC', quantity: 1 },
  { sku: 'STICKER-PACK', quantity: 2 },
];

/**
 * A shopper's client that does what the API asks of one: it retries an order
 * with the same Idempotency-Key and body until it gets a definite answer. A
 * 201 or a final refusal ends it; a 409 "in progress", a 503 with
 * Retry-After, or a dropped connection (checkout killed mid-request) means
 * "ask again later".
 */
export class OrderClient {
  readonly orders: PlacedOrder[] = [];

  constructor(
    private readonly checkoutUrl: () => string,
    private readonly run: string,
  ) {}

  /** Places `count` orders at `perSecond`, each retried until definite; resolves when all are. */
  async placeAll(count: number, perSecond: number, giveUpAfterMs: number): Promise<void> {
    const started = Date.now();
    const all: Promise<void>[] = [];
    for (let index = 0; index < count; index++) {
      const due = started + (index * 1_000) / perSecond;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      all.push(this.place(index, giveUpAfterMs));
    }
    await Promise.all(all);
  }

  emailOf(index: number): string {
    return `chaos-${this.run}-${index}@example.com`;
  }

  private async place(index: number, giveUpAfterMs: number) {
    const order: PlacedOrder = {
      index,
      email: this.emailOf(index),
      idempotencyKey: randomUUID(),
      attempts: 0,
    };
    this.orders.push(order);
    const body = JSON.stringify({
      customer: { email: order.email, name: 'Chaos Customer' },
      items: ORDER_ITEMS,
      payment: { cardNumber: '4242424242424242' },
    });
    const deadline = Date.now() + giveUpAfterMs;
    while (Date.now() < deadline) {
      order.attempts++;
      const answer = await fetch(`${this.checkoutUrl()}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': order.idempotencyKey },
        body,
        signal: AbortSignal.timeout(10_000),
      }).then(
        async (response) => ({
          status: response.status,
          body: (await response.json().catch(() => ({}))) as Record<string, unknown>,
        }),
        () => undefined,
      );
      if (answer && isDefinite(answer.status, answer.body.code)) {
        order.status = answer.status;
        order.orderId = (answer.body.id ?? answer.body.orderId) as string | undefined;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 700));
    }
  }
}

/** A 201, or a refusal that the same request would get again; everything else is "later". */
function isDefinite(status: number, code: unknown): boolean {
  if (status === 409) return code === 'IDEMPOTENCY.KEY_REUSED';
  return status < 500 && status !== 408 && status !== 429;
}
