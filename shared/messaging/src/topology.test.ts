import { parseRetryDelays, type RetryTier } from '@shared/core/config';
import { describeTopology, queueDeclarations } from './topology';

describe('topology', () => {
  const topology = describeTopology(
    [{ service: 'email', queue: 'order-completed', routingKeys: ['checkout.order.completed'] }],
    { prefix: 'demo.', retryTiers: parseRetryDelays('1s,5s') as RetryTier[], deliveryLimit: 5 },
  );
  const email = topology.services[0]!;

  test('When a service is described, then its names follow service.entity and retry tiers are named by delay', () => {
    expect(topology.eventsExchange).toBe('demo.shop.events');
    expect(email.workQueue).toBe('demo.email.order-completed');
    expect(email.retryQueues.map((queue) => queue.name)).toEqual([
      'demo.email.retry.1s',
      'demo.email.retry.5s',
    ]);
    expect(email.deadLetterExchange).toBe('demo.email.dlx');
    expect(email.deadLetterQueue).toBe('demo.email.dlq');
    expect(email.brokerDeadLetterQueue).toBe('demo.email.dlq-reports');
  });

  test('When queues are declared, then every one is a quorum queue with a dead-letter exchange, the copies of broker dead letters aside', () => {
    const all = queueDeclarations(email, topology.deliveryLimit);
    const reports = all.find(({ name }) => name === email.brokerDeadLetterQueue)!;
    const declarations = all.filter((declaration) => declaration !== reports);

    expect(reports.arguments).toEqual({ 'x-queue-type': 'quorum', 'x-delivery-limit': 5 });
    expect(declarations).toHaveLength(4);
    for (const { arguments: args } of declarations) {
      expect(args['x-queue-type']).toBe('quorum');
      expect(args).toHaveProperty('x-dead-letter-exchange');
      expect(args['x-dead-letter-strategy']).toBe('at-least-once');
      expect(args['x-overflow']).toBe('reject-publish');
    }
    expect(declarations[0]!.arguments['x-delivery-limit']).toBe(5);
    expect(declarations[1]!.arguments).toMatchObject({
      'x-message-ttl': 1_000,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'demo.email.order-completed',
    });
  });

  test('When a consumer reports no task (a projector), then it gets no queue for reports of broker dead letters, which nothing would read', () => {
    const projector = describeTopology(
      [
        {
          service: 'checkout',
          queue: 'task-outcomes',
          routingKeys: ['email.task.failed'],
          reportsOutcomes: false,
        },
      ],
      { prefix: 'demo.', retryTiers: parseRetryDelays('1s') as RetryTier[], deliveryLimit: 5 },
    ).services[0]!;

    expect(projector.brokerDeadLetterQueue).toBeUndefined();
    expect(queueDeclarations(projector, 5).map(({ name }) => name)).toEqual([
      'demo.checkout.task-outcomes',
      'demo.checkout.retry.1s',
      'demo.checkout.dlq',
    ]);
  });
});
