import type { PrismaClient } from '@shop/contracts/database';
import type { ChargeRecord } from './payment-gateway';
import type { ChargeLedger, LedgerEntry } from './simulated-payment-gateway';

/**
 * The simulated gateway's ledger in a schema of its own (`gateway.charges`),
 * the way a real gateway keeps its charges on its side: they survive a
 * checkout crash between charge and confirm, which is what the reconciler
 * needs to ask about. A charge and a cancellation are rows keyed by the
 * order id, each written with `ON CONFLICT DO NOTHING`: whichever insert the
 * primary key admits first stands, and the other reads it back.
 */
export class PostgresChargeLedger implements ChargeLedger {
  constructor(private readonly prisma: PrismaClient) {}

  async get(orderId: string): Promise<LedgerEntry | undefined> {
    const row = await this.prisma.simulatedCharge.findUnique({ where: { orderId } });
    if (!row) return undefined;
    if (row.cancelledAt) return 'cancelled';
    const result = row.approved
      ? ({ approved: true, paymentId: row.paymentId! } as const)
      : ({ approved: false, reason: row.declineReason as 'card_declined' | 'insufficient_funds' } as const);
    return { result, amountCents: row.amountCents!, refunded: row.refunded };
  }

  async add(orderId: string, charge: ChargeRecord & { currency: string }): Promise<LedgerEntry> {
    await this.prisma.simulatedCharge.createMany({
      data: [
        {
          orderId,
          approved: charge.result.approved,
          paymentId: charge.result.approved ? charge.result.paymentId : null,
          declineReason: charge.result.approved ? null : charge.result.reason,
          amountCents: charge.amountCents,
          currency: charge.currency,
        },
      ],
      skipDuplicates: true,
    });
    return (await this.get(orderId))!;
  }

  async cancel(orderId: string): Promise<LedgerEntry> {
    await this.prisma.simulatedCharge.createMany({
      data: [{ orderId, cancelledAt: new Date() }],
      skipDuplicates: true,
    });
    return (await this.get(orderId))!;
  }

  async markRefunded(orderId: string): Promise<void> {
    await this.prisma.simulatedCharge.updateMany({
      where: { orderId, approved: true },
      data: { refunded: true },
    });
  }
}
