import type { Registry } from '@shared/messaging';
import { registryTopology } from '@shared/messaging';
import { SHOP_REGISTRY } from '@shop/contracts/registry';

import { serviceTestContext } from '../../../test/service-test-context';
import { amqpUrl, TEST_METRICS_TOKEN, testLogger } from '../../../test/support';
import { loadOperationsConfig } from '../src/config';
import { type RunningOperations, startOperations } from '../src/start-operations';

export { createTestDatabase, type TestDatabase } from '../../../test/service-test-context';

/**
 * What the operations tests share: a database of their own per test file (the
 * drain fills one store from every DLQ of a prefix), the operations service
 * started in-process on port 0, and requests.
 */

export function operationsEnvironment(env: Record<string, string>): Record<string, string> {
  return {
    AMQP_URL: amqpUrl(),
    PORT: '0',
    DATABASE_POOL_SIZE: '5',
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    ...env,
  };
}

export interface TestOperations extends RunningOperations {
  baseUrl: string;
}

export async function startTestOperations(
  env: Record<string, string>,
  registry?: Registry,
): Promise<TestOperations> {
  const config = loadOperationsConfig(operationsEnvironment(env));
  const operations = await startOperations(config, testLogger('operations'), registry ? { registry } : {});
  return Object.assign(operations, { baseUrl: `http://127.0.0.1:${operations.port}` });
}

export const topologyFor = (prefix: string, registry: Registry = SHOP_REGISTRY) =>
  registryTopology(registry, loadOperationsConfig(operationsEnvironment({ QUEUE_PREFIX: prefix })));

/** serviceTestContext (test/service-test-context.ts) for the operations service. */
export const operationsTestContext = (label: string) =>
  serviceTestContext({ name: 'operations', start: startTestOperations, topologyFor }, label);
