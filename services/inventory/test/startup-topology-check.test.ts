import { join } from 'node:path';
import { loadConfig, messagingVariables } from '@shared/core/config';
import { Broker, registryTopology } from '@shared/messaging';
import { SHOP_REGISTRY } from '@shop/contracts/registry';
import { ChildProcessHandle } from '../../../test/child-process';
import { amqpUrl, databaseUrl, QueueInspector, testLogger, uniquePrefix } from '../../../test/support';

/**
 * A queue declared earlier with other arguments: the service must stop, and
 * say which queue differs and what to do, instead of reconnecting forever.
 */
test('When RabbitMQ holds a work queue with another delivery limit, then the service stops and explains', async () => {
  const prefix = uniquePrefix('startup-check');
  const earlier = registryTopology(
    SHOP_REGISTRY,
    loadConfig(messagingVariables, { QUEUE_PREFIX: prefix, DELIVERY_LIMIT: '5' }),
  );
  const broker = await Broker.connect({ url: amqpUrl(), topology: earlier, logger: testLogger() });
  await broker.close();

  const inventory = ChildProcessHandle.start(join(__dirname, '..', 'src', 'main.ts'), {
    QUEUE_PREFIX: prefix,
    DELIVERY_LIMIT: '9',
    DATABASE_URL: databaseUrl(),
    AMQP_URL: amqpUrl(),
    PORT: '0',
  });

  const exit = await inventory.exited;
  expect(exit.code).toBe(1);
  const output = inventory.lines.join('\n');
  expect(output).toContain('different arguments');
  expect(output).toContain(`${prefix}`);
  expect(output).toContain('x-delivery-limit');

  const inspector = await QueueInspector.open();
  await inspector.deleteTopology(
    registryTopology(SHOP_REGISTRY, loadConfig(messagingVariables, { QUEUE_PREFIX: prefix })),
  );
  await inspector.close();
});
