import { AppError } from '@shared/core/errors';

export const TOPOLOGY_CONFLICT = 'MESSAGING.TOPOLOGY_CONFLICT';

/**
 * PRECONDITION_FAILED (406) on declare means a queue already exists with other
 * arguments. Retrying cannot fix that, so it becomes a fatal, explained error.
 * https://www.rabbitmq.com/docs/queues#property-equivalence
 */
export function asTopologyConflict(error: unknown): Error | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 406) return undefined;
  return new AppError(
    TOPOLOGY_CONFLICT,
    `RabbitMQ already has a queue or exchange declared with different arguments: ${String(
      (error as Error).message,
    )}. Change the configuration back, or follow docs/messaging.md ("Changing a work queue's arguments without losing an event").`,
    { kind: 'operational' },
  );
}
