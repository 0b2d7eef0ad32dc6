import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChargeRecord, ChargeRequest, ChargeResult, PaymentGateway } from './payment-gateway';

/** Cards with a fixed answer, as card networks publish for their sandboxes. Any other valid number is approved. */
export const TEST_CARDS = {
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
} as const;

/** What the ledger holds for an order id: its charge, or its cancellation (no charge may happen). */
export type LedgerEntry = ChargeRecord | 'cancelled';

/**
 * Where the simulated gateway keeps its charges: one entry per order id,
 * the first one written standing for good, so a charge and a cancellation of
 * the same order cannot both be recorded.
 */
export interface ChargeLedger {
  get(orderId: string): Promise<LedgerEntry | undefined>;
  /** Records a charge unless the order has an entry; returns the entry that stands. */
  add(orderId: string, charge: ChargeRecord & { currency: string }): Promise<LedgerEntry>;
  /** Records the cancellation unless the order has an entry; returns the entry that stands. */
  cancel(orderId: string): Promise<LedgerEntry>;
  markRefunded(orderId: string): Promise<void>;
}

/** A ledger in memory: the gateway forgets its charges when the process ends (tests). */
export class InMemoryChargeLedger implements ChargeLedger {
  private readonly entries = new Map<string, LedgerEntry>();

  async get(orderId: string) {
    return this.entries.get(orderId);
  }

  async add(orderId: string, charge: ChargeRecord) {
    if (!this.entries.has(orderId)) {
      this.entries.set(orderId, { result: charge.result, amountCents: charge.amountCents, refunded: false });
    }
    return this.entries.get(orderId)!;
  }

  async cancel(orderId: string) {
    if (!this.entries.has(orderId)) this.entries.set(orderId, 'cancelled');
    return this.entries.get(orderId)!;
  }

  async markRefunded(orderId: string) {
    const entry = this.entries.get(orderId);
    if (entry !== 'cancelled' && entry?.result.approved) entry.refunded = true;
  }
}

/**
 * A stand-in for a card gateway, with the behaviour checkout relies on:
 * test cards, latency, idempotency per order id, cancellation by order id,
 * and a memory of its charges that outlives checkout (the ledger), so a
 * charge checkout did not record can be looked up and settled. It is the one
 * simulated part of the system.
 */
export class SimulatedPaymentGateway implements PaymentGateway {
  constructor(
    private readonly latencyMs = 0,
    private readonly ledger: ChargeLedger = new InMemoryChargeLedger(),
  ) {}

  async charge(request: ChargeRequest): Promise<ChargeResult | 'cancelled'> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    const entry = await this.ledger.add(request.orderId, {
      result: decide(request.cardNumber),
      amountCents: request.amountCents,
      currency: request.currency,
      refunded: false,
    });
    return entry === 'cancelled' ? entry : entry.result;
  }

  async refund(orderId: string): Promise<void> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
    await this.ledger.markRefunded(orderId);
  }

  async cancel(orderId: string): Promise<ChargeRecord | undefined> {
    const entry = await this.ledger.cancel(orderId);
    return entry === 'cancelled' ? undefined : entry;
  }

  /** The gateway's view of an order: its charge, its cancellation, or nothing; for tests and the demo. */
  chargeFor(orderId: string): Promise<Readonly<LedgerEntry> | undefined> {
    return this.ledger.get(orderId);
  }
}

function decide(cardNumber: string): ChargeResult {
  if (cardNumber === TEST_CARDS.declined) return { approved: false, reason: 'card_declined' };
  if (cardNumber === TEST_CARDS.insufficientFunds) return { approved: false, reason: 'insufficient_funds' };
  return { approved: true, paymentId: `pay_${randomUUID()}` };
}
