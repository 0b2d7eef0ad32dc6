import { findService, queueDeclarations } from '@shared/messaging';
import { buildDefinitions, monitorPermissions, type Permissions, servicePermissions } from './definitions';
import { queueMonitorAccount, serviceAccounts, shopTopology } from './shop-accounts';

const { topology, deliveryLimit } = shopTopology();
const accounts = serviceAccounts(topology).map((account) => ({ ...account, passwordHash: 'hash' }));
const permissionsOf = (service: string): Permissions => {
  const account = accounts.find((candidate) => candidate.service === service);
  if (!account) throw new Error(`no account ${service}`);
  return servicePermissions(topology, account);
};
const allows = (pattern: string, name: string) => new RegExp(pattern).test(name);

describe('RabbitMQ definitions', () => {
  test('When a consumer runs, then it may declare the whole topology and its own retry queues, nothing else', () => {
    const { configure } = permissionsOf('email');

    for (const name of [
      'shop.events',
      'pdf.order-completed',
      'checkout.task-outcomes',
      'pdf.dlx',
      'pdf.dlq',
    ]) {
      expect(allows(configure, name)).toBe(true);
    }
    expect(allows(configure, 'email.retry.5s')).toBe(true);
    expect(allows(configure, 'email.retry.250ms')).toBe(true);
    expect(allows(configure, 'pdf.retry.5s')).toBe(false);
    expect(allows(configure, 'email.unlisted')).toBe(false);
    expect(allows(configure, 'xemail.dlq')).toBe(false);
  });

  test('When a consumer runs, then it reads only its own work and retry queues, never a DLQ', () => {
    const { read } = permissionsOf('email');

    expect(allows(read, 'email.order-completed')).toBe(true);
    expect(allows(read, 'email.retry.10m')).toBe(true);
    expect(allows(read, 'pdf.order-completed')).toBe(false);
    expect(allows(read, 'checkout.task-outcomes')).toBe(false);
    expect(allows(read, 'email.dlq')).toBe(false);
  });

  test('When the operations service runs the dead-letter API, then it reads every DLQ and publishes through the default exchange', () => {
    const { read, write } = permissionsOf('operations');

    for (const { deadLetterQueue } of topology.services) expect(allows(read, deadLetterQueue)).toBe(true);
    expect(allows(read, 'email.order-completed')).toBe(false);
    expect(allows(write, 'amq.default')).toBe(true);
  });

  test("When the dashboard counts every queue as operations, then operations may look up each service's retry queues and consume none", () => {
    const { configure, write, read } = permissionsOf('operations');

    for (const name of ['email.retry.1s', 'pdf.retry.10m', 'analytics.retry.250ms']) {
      expect([name, allows(write, name)]).toEqual([name, true]);
      expect([name, allows(read, name)]).toEqual([name, false]);
      expect([name, allows(configure, name)]).toEqual([name, false]);
    }
    expect(allows(read, 'checkout.task-outcomes')).toBe(false);
  });

  test("When checkout runs, then it reads no DLQ: the dead letters are the operations service's", () => {
    const { read } = permissionsOf('checkout');

    for (const { deadLetterQueue } of topology.services) expect(allows(read, deadLetterQueue)).toBe(false);
    expect(allows(read, 'checkout.retry.1s')).toBe(true);
  });

  test('When a service publishes, then the events exchange takes only its own routing keys', () => {
    const definitions = buildDefinitions(topology, deliveryLimit, accounts, []);
    const topicWrite = (user: string) =>
      definitions.topic_permissions.find((permission) => permission.user === user)?.write ?? '';

    expect(allows(topicWrite('checkout'), 'checkout.order.completed')).toBe(true);
    expect(allows(topicWrite('checkout'), 'email.confirmation.sent')).toBe(false);
    expect(allows(topicWrite('pdf'), 'pdf.receipt.generated')).toBe(true);
    expect(allows(topicWrite('pdf'), 'pdf.task.dead-lettered')).toBe(true);
    expect(allows(topicWrite('pdf'), 'inventory.task.failed')).toBe(false);
  });

  test('When the topology is written, then each queue has exactly the arguments the services declare it with', () => {
    const definitions = buildDefinitions(topology, deliveryLimit, accounts, []);
    const email = findService(topology, 'email');
    const declared = queueDeclarations(email, deliveryLimit);

    for (const name of [email.workQueue, email.deadLetterQueue]) {
      expect(definitions.queues.find((queue) => queue.name === name)?.arguments).toEqual(
        declared.find((declaration) => declaration.name === name)?.arguments,
      );
    }
    expect(definitions.queues.some((queue) => queue.name.includes('.retry.'))).toBe(false);
    expect(definitions.bindings).toContainEqual(
      expect.objectContaining({ source: 'shop.events', destination: 'email.order-completed' }),
    );
  });

  test('When the definitions are built, then every task consumer has its dlq-reports queue, bound to its DLX, and checkout (no task) has none', () => {
    const { queues, bindings } = buildDefinitions(topology, deliveryLimit, accounts, []);
    const names = queues.map(({ name }) => name);

    for (const service of ['email', 'pdf', 'inventory', 'analytics']) {
      expect(names).toContain(`${service}.dlq-reports`);
      expect(bindings).toContainEqual(
        expect.objectContaining({ source: `${service}.dlx`, destination: `${service}.dlq-reports` }),
      );
    }
    expect(names).not.toContain('checkout.dlq-reports');
    expect(bindings.map(({ destination }) => destination)).not.toContain('checkout.dlq-reports');
  });

  test("When KEDA reads queue lengths, then queue-monitor may look up the consumers' work queues and do nothing else", () => {
    const monitor = { ...queueMonitorAccount(topology), passwordHash: 'hash' };
    const { configure, write, read } = monitorPermissions(monitor);
    const definitions = buildDefinitions(topology, deliveryLimit, accounts, [], [monitor]);

    for (const service of ['email', 'pdf', 'inventory', 'analytics']) {
      expect(allows(write, `${service}.order-completed`)).toBe(true);
    }
    for (const name of [
      'checkout.task-outcomes',
      'email.dlq',
      'email.jobs',
      'email.retry.5s',
      'shop.events',
    ]) {
      expect(allows(write, name)).toBe(false);
    }
    // Empty: no name at all. Configure would let it delete the queues, read consume from them.
    expect([configure, read]).toEqual(['', '']);
    expect(definitions.users).toContainEqual(expect.objectContaining({ name: 'queue-monitor', tags: [] }));
    expect(definitions.topic_permissions.map(({ user }) => user)).not.toContain('queue-monitor');
  });
});
