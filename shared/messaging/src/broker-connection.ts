import { hostname } from 'node:os';
import { type ChannelModel, connect, type RecoveringChannelModel } from 'amqplib';
import { BrokerAddresses } from './broker-addresses';
import type { BrokerOptions } from './broker-options';
import { asTopologyConflict } from './topology-conflict';

/** What the broker does as its connection comes and goes. */
export interface ConnectionHooks {
  /** On every (re)connect: declare, publish, consume. When it throws, recovery connects again. */
  setup(model: ChannelModel): Promise<void>;
  /** The connection dropped; recovery is reconnecting. */
  disconnected(error: Error): void;
  /** RabbitMQ blocked or unblocked publishing on the connection. */
  blocked(blocked: boolean): void;
}

/**
 * Opens the connection with amqplib's own recovery (exponential backoff with
 * jitter). Given a cluster's nodes, each attempt after a failed one or a lost
 * connection goes to the next node in the list. A topology conflict found by a
 * set-up is fatal: the connection closes and `onFatal` is called.
 */
export async function connectWithRecovery(
  options: BrokerOptions,
  hooks: ConnectionHooks,
): Promise<RecoveringChannelModel> {
  const { logger } = options;
  let fatal: Error | undefined;
  const connectionName =
    options.connectionName ?? `${options.service ?? 'publisher'}@${hostname()}#${process.pid}`;
  const addresses = new BrokerAddresses(options.url);
  const connection = await connect(addresses.address, {
    clientProperties: { connection_name: connectionName },
    recovery: {
      initialDelay: 200,
      maxDelay: 10_000,
      waitForConnect: false,
      setup: async (model: ChannelModel) => {
        // amqplib listens for a new connection's errors only once this set-up has succeeded.
        // A connection the server ends meanwhile, or one given up after a failed set-up (its
        // heartbeat still runs), would emit an 'error' nobody hears, which ends the process.
        // The set-up's own calls fail instead, and recovery connects again.
        let opening = true;
        model.on('error', (error: Error) => {
          if (opening) logger.warn({ err: error }, 'lost the RabbitMQ connection while setting it up');
        });
        try {
          await hooks.setup(model);
        } catch (error) {
          fatal = asTopologyConflict(error);
          throw error;
        } finally {
          opening = false;
        }
      },
    },
  });
  connection.on('connect', () => logger.info({ node: addresses.current }, 'connected to RabbitMQ'));
  connection.on('disconnect', (error: Error) => hooks.disconnected(error));
  connection.on('reconnect-scheduled', ({ attempt, delay, error }) => {
    addresses.advance();
    logger.warn(
      { attempt, delayMs: delay, next: addresses.current, err: error },
      'RabbitMQ unreachable; retrying',
    );
  });
  connection.on('connect-failed', () => {
    if (!fatal) return;
    logger.fatal({ err: fatal }, fatal.message);
    void connection.close();
    options.onFatal?.(fatal);
  });
  connection.on('error', (error: Error) => logger.warn({ err: error }, 'RabbitMQ connection error'));
  connection.on('blocked', (reason: string) => {
    hooks.blocked(true);
    logger.warn({ reason }, 'RabbitMQ blocked publishing');
  });
  connection.on('unblocked', () => {
    hooks.blocked(false);
    logger.info('RabbitMQ unblocked publishing');
  });
  return connection;
}
