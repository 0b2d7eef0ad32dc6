import { createServer, type Server } from 'node:net';
import { createLogger } from '@shared/core/logging';
import { Broker } from './broker';
import { BrokerAddresses, connectOptions } from './broker-addresses';
import { describeTopology } from './topology';

describe('broker addresses', () => {
  test('When AMQP_URL lists three nodes, then the address starts at the first and each advance moves to the next, back to the first after the last', () => {
    const addresses = new BrokerAddresses([
      'amqp://shop:secret@rabbitmq-1:5672',
      'amqp://shop:secret@rabbitmq-2:5672',
      'amqp://shop:secret@rabbitmq-3:5672',
    ]);
    const visited = [addresses.current];
    for (let step = 0; step < 3; step++) {
      addresses.advance();
      visited.push(addresses.current);
    }

    expect(visited).toEqual(['rabbitmq-1:5672', 'rabbitmq-2:5672', 'rabbitmq-3:5672', 'rabbitmq-1:5672']);
    expect(addresses.address).toMatchObject({ hostname: 'rabbitmq-1', username: 'shop', password: 'secret' });
  });

  test('When there is one URL, then advancing keeps it', () => {
    const addresses = new BrokerAddresses('amqp://guest:guest@localhost:5672');
    addresses.advance();

    expect(addresses.current).toBe('localhost:5672');
  });

  test('When a node has a vhost, escaped credentials and tuning, then it means what amqplib makes of the same URL', () => {
    expect(connectOptions('amqps://us%40r:p%3Ass@[::1]/shop%2Fprod?heartbeat=10&frameMax=8192')).toEqual({
      protocol: 'amqps',
      hostname: '::1',
      port: 5671,
      username: 'us@r',
      password: 'p:ss',
      vhost: 'shop%2Fprod',
      locale: undefined,
      heartbeat: 10,
      frameMax: 8192,
      channelMax: undefined,
      maxFrameSize: undefined,
    });
    expect(connectOptions('amqp://localhost')).toMatchObject({
      port: 5672,
      username: undefined,
      password: undefined,
      vhost: undefined,
    });
  });

  test('When the next node sets fewer fields than the last, then advancing leaves none of them behind', () => {
    const addresses = new BrokerAddresses(['amqp://a:1/vhost?heartbeat=5', 'amqp://b:2']);
    addresses.advance();

    expect(addresses.address).toMatchObject({
      hostname: 'b',
      port: 2,
      vhost: undefined,
      heartbeat: undefined,
    });
  });
});

/**
 * The rotation through amqplib's own recovery, without a broker: three
 * loopback servers that hang up on every connection, so every attempt fails
 * and the next one is scheduled. The order they are called in is the order
 * the broker connection tries the nodes.
 */
describe('broker connection attempts', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  async function hangingUpServer(name: string, calls: string[]): Promise<string> {
    const server = createServer((socket) => {
      calls.push(name);
      socket.destroy();
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `amqp://guest:guest@127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  test('When no node accepts, then the attempts go to the first URL, then to each next one in turn, round again', async () => {
    const calls: string[] = [];
    const urls = [
      await hangingUpServer('node 1', calls),
      await hangingUpServer('node 2', calls),
      await hangingUpServer('node 3', calls),
    ] as const;
    const broker = await Broker.connect({
      url: [...urls],
      topology: describeTopology([], { prefix: '', retryTiers: [], deliveryLimit: 5 }),
      logger: createLogger('test', 'silent'),
      waitForConnection: false,
    });

    const deadline = Date.now() + 10_000;
    while (calls.length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await broker.close();

    expect(calls.slice(0, 4)).toEqual(['node 1', 'node 2', 'node 3', 'node 1']);
    expect(broker.connected).toBe(false);
  });
});
