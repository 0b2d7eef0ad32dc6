import type { Broker } from '@shared/messaging';
import type { PrismaClient } from '@shop/contracts/database';
import { OrderCompletedV1 } from '@shop/contracts/events';

export interface BalanceRow {
  service: string;
  published: number;
  done: number;
  parked: number;
  inFlight: number;
  balanced: boolean;
}

/**
 * The conservation of events, per consuming service: every OrderCompleted
 * checkout published is done (in the service's inbox), parked (a valid event
 * in the dead-letter store) or still in flight (its work queue, a retry tier,
 * or its DLQ on the way to the store). Counted from the outbox, each inbox,
 * the store and the broker; the same sums the services
 * expose in /metrics for Prometheus to compare all the time
 * (deploy/observability/alerts.yml).
 */
export async function conservation(options: {
  prisma: PrismaClient;
  /** A connection of the run's own, declaring the run's topology. */
  broker: Broker;
  /** The operations service, whose store holds the parked events. */
  operationsUrl: string;
  adminToken: string;
}): Promise<{ rows: BalanceRow[]; ok: boolean }> {
  const { prisma } = options;
  const count = async (sql: string) => (await prisma.$queryRawUnsafe<{ n: number }[]>(sql))[0]?.n ?? 0;
  const published = await count(
    `SELECT count(*)::int AS n FROM checkout.outbox WHERE type = '${OrderCompletedV1.type}' AND published_at IS NOT NULL`,
  );
  const rows: BalanceRow[] = [];
  await options.broker.withChannel(async (channel) => {
    for (const queues of options.broker.topology.services.filter(({ service }) => service !== 'checkout')) {
      const done = await count(
        `SELECT count(*)::int AS n FROM "${queues.service}".processed_events WHERE event_type = '${OrderCompletedV1.type}'`,
      );
      const query = new URLSearchParams({ type: OrderCompletedV1.type, limit: '1' });
      const response = await fetch(`${options.operationsUrl}/admin/dlq/${queues.service}?${query}`, {
        headers: { authorization: `Bearer ${options.adminToken}` },
      });
      const { total: parked } = (await response.json()) as { total: number };
      let inFlight = 0;
      for (const queue of [
        queues.workQueue,
        ...queues.retryQueues.map(({ name }) => name),
        queues.deadLetterQueue,
      ])
        inFlight += (await channel.checkQueue(queue)).messageCount;
      rows.push({
        service: queues.service,
        published,
        done,
        parked,
        inFlight,
        balanced: published === done + parked + inFlight,
      });
    }
  });
  return { rows, ok: rows.every((row) => row.balanced) };
}
