import type { Prisma, PrismaClient } from '@shop/shared/database';
import type { EventEnvelope } from '@shop/shared/events';
import type { PricedOrder, Product } from '../domain/pricing';
import { database } from './database-errors';
import { addToOutbox } from './outbox-repository';

export type StoredOrder = Prisma.OrderGetPayload<{ include: { lines: true; tasks: true } }>;

export interface NewOrder {
  id: string;
  customer: { email: string; name: string };
  priced: PricedOrder;
  idempotencyKey: string | undefined;
  requestHash: string | undefined;
  correlationId: string;
}

const TASKS = ['email', 'receipt', 'inventory', 'analytics'] as const;
const withDetails = { lines: { orderBy: { lineNumber: 'asc' } }, tasks: true } as const;

/** Checkout's orders and catalogue, in the `checkout` schema. */
export class OrdersRepository {
  constructor(private readonly prisma: PrismaClient) {}

  listProducts(): Promise<Product[]> {
    return database(() => this.prisma.product.findMany({ orderBy: { sku: 'asc' } }));
  }

  findProducts(skus: string[]): Promise<Product[]> {
    return database(() => this.prisma.product.findMany({ where: { sku: { in: skus } } }));
  }

  findByIdempotencyKey(key: string) {
    return database(() =>
      this.prisma.order.findUnique({
        where: { idempotencyKey: key },
        select: { id: true, status: true, requestHash: true, declineReason: true },
      }),
    );
  }

  /** Saves the order as pending; `false` when another request already holds its Idempotency-Key. */
  async createPending(order: NewOrder): Promise<boolean> {
    try {
      await database(() =>
        this.prisma.order.create({
          data: {
            id: order.id,
            status: 'pending',
            customerEmail: order.customer.email,
            customerName: order.customer.name,
            totalCents: order.priced.totalCents,
            currency: order.priced.currency,
            idempotencyKey: order.idempotencyKey ?? null,
            requestHash: order.requestHash ?? null,
            correlationId: order.correlationId,
            lines: {
              create: order.priced.lines.map((line, index) => ({ lineNumber: index + 1, ...line })),
            },
          },
        }),
      );
      return true;
    } catch (error) {
      if (isUniqueViolation(error) && order.idempotencyKey) return false;
      throw error;
    }
  }

  markDeclined(id: string, reason: string) {
    return database(() =>
      this.prisma.order.update({
        where: { id },
        data: { status: 'payment_declined', declineReason: reason },
      }),
    );
  }

  /**
   * The order's one moment of truth: confirmed, its event in the outbox and
   * its four fulfillment tasks pending, all or nothing. An order is never
   * confirmed without its event, and no event exists for an unconfirmed order.
   */
  confirm(id: string, paymentId: string, event: EventEnvelope) {
    return database(() =>
      this.prisma.$transaction(async (tx) => {
        const { count } = await tx.order.updateMany({
          where: { id, status: 'pending' },
          data: { status: 'confirmed', paymentId },
        });
        if (count !== 1) throw new Error(`Order ${id} is no longer pending`);
        await addToOutbox(tx, event);
        await tx.fulfillmentTask.createMany({ data: TASKS.map((task) => ({ orderId: id, task })) });
      }),
    );
  }

  /**
   * After a refunded charge: the order is failed and its Idempotency-Key is
   * released, so the client's retry with the same key places the order afresh.
   */
  markFailed(id: string) {
    return database(() =>
      this.prisma.order.update({ where: { id }, data: { status: 'failed', idempotencyKey: null } }),
    );
  }

  findById(id: string): Promise<StoredOrder | null> {
    return database(() => this.prisma.order.findUnique({ where: { id }, include: withDetails }));
  }

  listRecent(limit: number): Promise<StoredOrder[]> {
    return database(() =>
      this.prisma.order.findMany({
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        take: limit,
        include: withDetails,
      }),
    );
  }
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'P2002';
}
