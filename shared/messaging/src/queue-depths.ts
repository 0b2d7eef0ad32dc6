import type { QueueDepth } from '@shared/core/metrics';
import type { ConfirmChannel } from 'amqplib';
import type { ServiceQueues } from './topology';

/**
 * Ready messages in a service's work, retry and dead-letter queues, for
 * /metrics; the work queue's oldest message's age where its consumer can tell.
 */
export function readQueueDepths(
  queues: ServiceQueues,
  consumer: { oldestAgeSeconds(ready: number): number | undefined } | undefined,
  withChannel: (work: (channel: ConfirmChannel) => Promise<QueueDepth[]>) => Promise<QueueDepth[]>,
): Promise<QueueDepth[]> {
  const wanted: [string, QueueDepth['kind']][] = [
    [queues.workQueue, 'work'],
    ...(queues.jobQueue ? [[queues.jobQueue.name, 'work'] as [string, QueueDepth['kind']]] : []),
    ...queues.retryQueues.map(({ name }): [string, QueueDepth['kind']] => [name, 'retry']),
    [queues.deadLetterQueue, 'dead-letter'],
  ];
  return withChannel(async (channel) => {
    const depths: QueueDepth[] = [];
    for (const [queue, kind] of wanted) {
      const messages = (await channel.checkQueue(queue)).messageCount;
      const oldestAgeSeconds = queue === queues.workQueue ? consumer?.oldestAgeSeconds(messages) : undefined;
      depths.push({
        service: queues.service,
        queue,
        kind,
        messages,
        ...(oldestAgeSeconds === undefined ? {} : { oldestAgeSeconds }),
      });
    }
    return depths;
  });
}
