import type { Broker } from '@shared/messaging';

/** What readiness and shutdown need of a service's Prisma client. */
export interface ServiceDatabase {
  $queryRawUnsafe<T = unknown>(query: string): Promise<T>;
  $disconnect(): Promise<void>;
}

/** /readyz for a process that needs its database and RabbitMQ. */
export function databaseAndBrokerReadiness(db: Pick<ServiceDatabase, '$queryRawUnsafe'>, broker: Broker) {
  return async () => ({
    database: await db.$queryRawUnsafe('SELECT 1').then(
      () => true,
      () => false,
    ),
    broker: broker.connected,
    // A consumer the broker cancelled is being replaced: not ready until it consumes again.
    consuming: broker.consuming,
  });
}
