import type { EventEnvelope } from '@shared/messaging';
import { Prisma, type PrismaClient } from '@shop/contracts/database';
import { idRangeOf, type OrderSearch } from '../domain/order-search';
import type { OrderSnapshot } from '../domain/order-snapshot';
import type { PricedOrder } from '../domain/pricing';
import { database } from './database-errors';

export type StoredOrder = Prisma.OrderGetPayload<{
  include: { lines: true; tasks: { include: { timeline: true } } };
}>;
export type UnsettledOrder = Prisma.OrderGetPayload<{ include: { lines: true } }>;

export interface NewOrder {
  id: string;
  customer: { email: string; name: string };
  priced: PricedOrder;
  idempotencyKey: string | undefined;
  requestHash: string | undefined;
  correlationId: string;
  createdAt: Date;
}

const withDetails = {
  lines: { orderBy: { lineNumber: 'asc' } },
  tasks: { include: { timeline: { orderBy: { attempt: 'asc' } } } },
} as const;

/**
 * Checkout's orders, in the `checkout` schema.
 *
 * The two writes of an order's hot path are one statement each, so each is
 * one round trip and atomic without an interactive transaction: the pending
 * order with its lines, then the confirmation with its event and its tasks.
 */
export class OrdersRepository {
  constructor(
    private readonly prisma: PrismaClient,
    /** The names of the tasks every confirmed order gets (the registry's task list). */
    private readonly tasks: readonly string[],
  ) {}

  findByIdempotencyKey(key: string) {
    return database(() =>
      this.prisma.order.findUnique({
        where: { idempotencyKey: key },
        select: { id: true, status: true, requestHash: true, declineReason: true },
      }),
    );
  }

  /** Saves the order as pending with its lines; `false` when another request already holds its Idempotency-Key. */
  async createPending(order: NewOrder): Promise<boolean> {
    const { lines } = order.priced;
    const inserted = await database(
      () => this.prisma.$executeRaw`
        WITH new_order AS (
          INSERT INTO checkout.orders (id, status, customer_email, customer_name, total_cents, currency,
                                       idempotency_key, request_hash, correlation_id, created_at, updated_at)
          VALUES (${order.id}::uuid, 'pending', ${order.customer.email}, ${order.customer.name},
                  ${order.priced.totalCents}, ${order.priced.currency}, ${order.idempotencyKey ?? null},
                  ${order.requestHash ?? null}, ${order.correlationId}, ${order.createdAt}, ${order.createdAt})
          ON CONFLICT (idempotency_key) DO NOTHING
          RETURNING id
        )
        INSERT INTO checkout.order_lines (order_id, line_number, sku, name, quantity, unit_price_cents, line_total_cents)
        SELECT new_order.id, line.number, line.sku, line.name, line.quantity, line.unit_price, line.line_total
        FROM new_order,
          unnest(${lines.map((line) => line.sku)}::text[], ${lines.map((line) => line.name)}::text[],
                 ${lines.map((line) => line.quantity)}::int[], ${lines.map((line) => line.unitPriceCents)}::int[],
                 ${lines.map((line) => line.lineTotalCents)}::int[])
            WITH ORDINALITY AS line(sku, name, quantity, unit_price, line_total, number)`,
    );
    return inserted > 0;
  }

  /** A pending order is declined; an order settled otherwise meanwhile is left alone. */
  markDeclined(id: string, reason: string) {
    return database(
      () => this.prisma.$executeRaw`
        UPDATE checkout.orders SET status = 'payment_declined', decline_reason = ${reason}, updated_at = now()
        WHERE id = ${id}::uuid AND status = 'pending'`,
    );
  }

  /** The order's status now, or undefined for an order that does not exist. */
  async statusOf(id: string): Promise<OrderSnapshot['status'] | undefined> {
    const order = await database(() =>
      this.prisma.order.findUnique({ where: { id }, select: { status: true } }),
    );
    return order?.status;
  }

  /**
   * Orders left unsettled for `olderThanMs`: pending, or failed with a refund
   * still owed. Each comes with what it takes to confirm it, claimed for this
   * reconciler for as long again: the claim moves `updated_at`, and
   * `SKIP LOCKED` leaves rows another replica is claiming.
   */
  async claimUnsettled(olderThanMs: number, limit: number): Promise<UnsettledOrder[]> {
    const claimed = await database(
      () => this.prisma.$queryRaw<{ id: string }[]>`
        WITH stale AS (
          SELECT id FROM checkout.orders
          WHERE (status = 'pending' OR refund_owed)
            AND updated_at < now() - ${olderThanMs} * interval '1 millisecond'
          ORDER BY updated_at
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        )
        UPDATE checkout.orders AS orders SET updated_at = now()
        FROM stale WHERE orders.id = stale.id
        RETURNING orders.id::text AS id`,
    );
    if (claimed.length === 0) return [];
    return database(() =>
      this.prisma.order.findMany({
        where: { id: { in: claimed.map(({ id }) => id) } },
        include: { lines: { orderBy: { lineNumber: 'asc' } } },
      }),
    );
  }

  /**
   * The order's one moment of truth: confirmed, its event in the outbox and
   * its tasks pending, all or nothing. An order is never confirmed without
   * its event, and no event exists for an unconfirmed order. The outbox row
   * is leased to this process's relay for `outboxLeaseMs`, which publishes
   * it right after the commit (0: due for any relay's sweep at once), and
   * carries the request's `traceparent` (null without tracing) to that publish.
   * `false` when the order was no longer pending: another path settled it,
   * and nothing was written.
   */
  async confirm(
    id: string,
    paymentId: string,
    event: EventEnvelope,
    outbox: { leaseMs: number; traceparent: string | null },
  ): Promise<boolean> {
    const [row] = await database(
      () => this.prisma.$queryRaw<{ confirmed: number }[]>`
        WITH confirmed AS (
          UPDATE checkout.orders SET status = 'confirmed', payment_id = ${paymentId}, updated_at = now()
          WHERE id = ${id}::uuid AND status = 'pending'
          RETURNING id
        ), outbox AS (
          INSERT INTO checkout.outbox (id, type, payload, next_attempt_at, traceparent)
          SELECT ${event.id}::uuid, ${event.type}, ${JSON.stringify(event)}::jsonb,
                 now() + ${outbox.leaseMs} * interval '1 millisecond', ${outbox.traceparent}
          FROM confirmed
        ), tasks AS (
          INSERT INTO checkout.fulfillment_tasks (order_id, task, updated_at)
          SELECT confirmed.id, task, ${new Date(event.occurredAt)} FROM confirmed, unnest(${this.tasks}::text[]) AS task
        )
        SELECT count(*)::int AS confirmed FROM confirmed`,
    );
    return row?.confirmed === 1;
  }

  /**
   * After a refunded charge, or none that can ever land: a pending order is
   * failed and its Idempotency-Key released, so the client's retry with the
   * same key places the order afresh. An order confirmed meanwhile is left alone.
   */
  markFailed(id: string) {
    return database(
      () => this.prisma.$executeRaw`
        UPDATE checkout.orders SET status = 'failed', idempotency_key = NULL, updated_at = now()
        WHERE id = ${id}::uuid AND status = 'pending'`,
    );
  }

  /**
   * Fails a pending order whose charge stands and is to be refunded, keeping
   * its Idempotency-Key until `refundDone`; `false` when the order was no
   * longer pending. The update waits for a confirm still running on the same
   * row (it holds the row's lock until it commits) and then sees its
   * outcome, so of the confirm and this, exactly one wins.
   * https://www.postgresql.org/docs/current/transaction-iso.html#XACT-READ-COMMITTED
   */
  async failOwingRefund(id: string): Promise<boolean> {
    const failed = await database(
      () => this.prisma.$executeRaw`
        UPDATE checkout.orders SET status = 'failed', refund_owed = true, updated_at = now()
        WHERE id = ${id}::uuid AND status = 'pending'`,
    );
    return failed === 1;
  }

  /** The refund owed for a failed order is done: its Idempotency-Key is released. */
  refundDone(id: string) {
    return database(
      () => this.prisma.$executeRaw`
        UPDATE checkout.orders SET refund_owed = false, idempotency_key = NULL, updated_at = now()
        WHERE id = ${id}::uuid AND refund_owed`,
    );
  }

  findById(id: string): Promise<StoredOrder | null> {
    return database(() => this.prisma.order.findUnique({ where: { id }, include: withDetails }));
  }

  /**
   * The newest orders matching the search. The ids are found in SQL, where
   * each criterion has an index: the address by
   * `lower(customer_email), created_at DESC` (an expression index Prisma's
   * filters cannot target), an id prefix as a range of the primary key, and
   * no criterion by `created_at`; then the orders are read with their details.
   */
  async search({ limit, email, idPrefix }: OrderSearch): Promise<StoredOrder[]> {
    const criteria: Prisma.Sql[] = [];
    if (email !== undefined) criteria.push(Prisma.sql`lower(customer_email) = lower(${email})`);
    if (idPrefix !== undefined) {
      const { from, to } = idRangeOf(idPrefix);
      criteria.push(Prisma.sql`id BETWEEN ${from}::uuid AND ${to}::uuid`);
    }
    const where = criteria.length > 0 ? Prisma.sql`WHERE ${Prisma.join(criteria, ' AND ')}` : Prisma.empty;
    const found = await database(
      () => this.prisma.$queryRaw<{ id: string }[]>`
        SELECT id::text AS id FROM checkout.orders ${where}
        ORDER BY created_at DESC, id ASC
        LIMIT ${limit}`,
    );
    if (found.length === 0) return [];
    const orders = await database(() =>
      this.prisma.order.findMany({ where: { id: { in: found.map(({ id }) => id) } }, include: withDetails }),
    );
    const position = new Map(found.map(({ id }, index) => [id, index]));
    return orders.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
  }
}
