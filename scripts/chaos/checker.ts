import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PrismaClient } from '@shop/contracts/database';
import type { ReceivedMail } from '../../test/smtp-sink';
import type { ReceivedWebhook } from '../../test/webhook-receiver';
import type { PlacedOrder } from './order-client';

/** One row of the checker's table: for one kind of effect, how many orders had it lost, doubled or unexpected. */
export interface EffectRow {
  effect: string;
  expected: number;
  present: number;
  lost: number;
  doubled: number;
  unexpected: number;
  /**
   * Emails and webhooks only: copies that repeat an id the order already had
   * (a Message-ID, a webhook-id). That is the one window an external effect
   * leaves open (the process killed, or its database lost, between the
   * server's answer and the commit; docs/messaging.md, "Exactly once"): a
   * mailbox that deduplicates by Message-ID shows one, and so does a merchant
   * that deduplicates by webhook-id, as the receiver does. Reported, not
   * failed; a second id for an order is a doubled effect.
   */
  resent: number;
}

export interface Verdict {
  rows: EffectRow[];
  /** Accepted orders whose tasks are not all completed, or orders still pending. */
  stuck: string[];
  /** The Message-IDs sent more than once, to find their events in the email service's log. */
  resentMessageIds: string[];
  ok: boolean;
}

const LINES_PER_ORDER = 2;

/**
 * In the spirit of Jepsen's checkers: each side effect counted where it
 * happened, for every order the client was told was accepted (201), and for
 * every order it was not. Lost: an accepted order without the effect.
 * Doubled: more than one (for email, more than one Message-ID). Unexpected:
 * an effect for an order that was never accepted.
 */
export async function check(options: {
  prisma: PrismaClient;
  orders: PlacedOrder[];
  mails: ReceivedMail[];
  /** The merchant's first delivery of each webhook-id, with how many copies of it came after. */
  webhooks: ReceivedWebhook[];
  receiptsDir: string;
}): Promise<Verdict> {
  const { prisma, orders } = options;
  const accepted = new Map(
    orders.filter((order) => order.status === 201).map((order) => [order.orderId!, order]),
  );
  const emailOf = new Map(orders.map((order) => [order.email, order]));

  const perOrder = async (sql: string) =>
    new Map(
      (await prisma.$queryRawUnsafe<{ order_id: string; n: number }[]>(sql)).map(({ order_id, n }) => [
        order_id,
        n,
      ]),
    );
  const effects: Record<string, Map<string, number>> = {
    email: new Map(),
    webhook: new Map(),
    receipt: await perOrder('SELECT order_id::text, count(*)::int AS n FROM pdf.receipts GROUP BY order_id'),
    'stock movement': await perOrder(
      'SELECT order_id::text, count(*)::int AS n FROM inventory.stock_movements GROUP BY order_id',
    ),
    'analytics fact': await perOrder(
      'SELECT order_id::text, count(*)::int AS n FROM analytics.order_facts GROUP BY order_id',
    ),
  };
  let unexpectedMails = 0;
  const resentMessageIds: string[] = [];
  const messageIds = new Map<string, Set<string>>();
  for (const mail of options.mails) {
    const order = emailOf.get(mail.recipients[0] ?? '');
    if (!order?.orderId || !accepted.has(order.orderId)) {
      unexpectedMails++;
      continue;
    }
    const ids = messageIds.get(order.orderId) ?? new Set<string>();
    if (ids.has(mail.parsed.messageId ?? '')) resentMessageIds.push(mail.parsed.messageId ?? '');
    ids.add(mail.parsed.messageId ?? '');
    messageIds.set(order.orderId, ids);
    effects.email!.set(order.orderId, ids.size);
  }

  // A webhook-id is an OrderCompleted event's id: one per order, however often it is delivered.
  let unexpectedWebhooks = 0;
  let resentWebhooks = 0;
  for (const delivery of options.webhooks) {
    if (!delivery.orderId || !accepted.has(delivery.orderId)) {
      unexpectedWebhooks++;
      continue;
    }
    resentWebhooks += delivery.duplicates;
    effects.webhook!.set(delivery.orderId, (effects.webhook!.get(delivery.orderId) ?? 0) + 1);
  }

  const rows: EffectRow[] = Object.entries(effects).map(([effect, counts]) => {
    const once = effect === 'stock movement' ? LINES_PER_ORDER : 1;
    let lost = 0;
    let doubled = 0;
    for (const orderId of accepted.keys()) {
      const count = counts.get(orderId) ?? 0;
      if (count === 0) lost++;
      else if (count > once) doubled++;
    }
    const unexpected =
      effect === 'email'
        ? unexpectedMails
        : effect === 'webhook'
          ? unexpectedWebhooks
          : [...counts.keys()].filter((orderId) => !accepted.has(orderId)).length;
    return {
      effect,
      expected: accepted.size,
      present: [...counts.values()].filter((n) => n > 0).length,
      lost,
      doubled,
      unexpected,
      resent: effect === 'email' ? resentMessageIds.length : effect === 'webhook' ? resentWebhooks : 0,
    };
  });
  const files = [...accepted.keys()].filter(
    (orderId) => !existsSync(join(options.receiptsDir, `${orderId}.pdf`)),
  );
  rows.push({
    effect: 'receipt file',
    expected: accepted.size,
    present: accepted.size - files.length,
    lost: files.length,
    doubled: 0,
    unexpected: 0,
    resent: 0,
  });

  const stuck = (
    await prisma.$queryRawUnsafe<{ id: string }[]>(`
      SELECT o.id::text AS id FROM checkout.orders o
      WHERE o.status = 'pending'
         OR (o.status = 'confirmed' AND EXISTS (
              SELECT 1 FROM checkout.fulfillment_tasks t WHERE t.order_id = o.id AND t.status <> 'completed'))`)
  ).map(({ id }) => id);
  const ok =
    rows.every((row) => row.lost === 0 && row.doubled === 0 && row.unexpected === 0) && stuck.length === 0;
  return { rows, stuck, resentMessageIds, ok };
}
