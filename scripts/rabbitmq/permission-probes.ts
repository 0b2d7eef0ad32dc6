import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';

/**
 * What check-rabbitmq-permissions.ts tries as each user: one broker operation each, whose
 * outcome is allowed, or refused with 403.
 */

const ACCESS_REFUSED = 403;

export type Outcome = 'allowed' | 'refused';

/** Runs one operation on a channel of its own; a permission refusal closes that channel with 403. */
export async function outcome(
  connection: ChannelModel,
  operation: (channel: ConfirmChannel) => Promise<unknown>,
): Promise<Outcome> {
  const channel = await connection.createConfirmChannel();
  let closedWith: { code?: unknown } | undefined;
  channel.on('error', (error: { code?: unknown }) => {
    closedWith = error;
  });
  try {
    await operation(channel);
    await channel.close();
    return 'allowed';
  } catch (error) {
    const code = closedWith?.code ?? (error as { code?: unknown }).code;
    if (code === ACCESS_REFUSED) return 'refused';
    throw error;
  }
}

export const publish = (exchange: string, routingKey: string) => async (channel: ConfirmChannel) => {
  channel.publish(exchange, routingKey, Buffer.from('{"permissions-check":true}'), {
    mandatory: true,
    persistent: true,
  });
  await channel.waitForConfirms();
};

/** Gets and acks one message; "allowed" needs one to be there (the flows above put it there). */
export const take = (queue: string) => async (channel: ConfirmChannel) => {
  for (let tries = 0; tries < 20; tries += 1) {
    const message = await channel.get(queue, { noAck: false });
    if (message) {
      channel.ack(message);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`expected a message in ${queue}, found none`);
};

/** Looks at the head of a queue and puts it back: reading, without needing a message there. */
export const peek = (queue: string) => async (channel: ConfirmChannel) => {
  const message = await channel.get(queue, { noAck: false });
  if (message) channel.nack(message, false, true);
};

/** Declares a queue and, should that be allowed, removes it again (a classic queue, quick to delete). */
export const declare = (queue: string) => async (channel: ConfirmChannel) => {
  await channel.assertQueue(queue, { durable: false });
  await channel.deleteQueue(queue);
};

/** A passive declare, as KEDA's scaler does: the queue's ready messages, or a refusal. */
export const length = (queue: string) => async (channel: ConfirmChannel) => {
  await channel.checkQueue(queue);
};

/** Binds a queue with a routing key nothing publishes and, should that be allowed, unbinds it. */
export const bind = (queue: string, exchange: string) => async (channel: ConfirmChannel) => {
  await channel.bindQueue(queue, exchange, 'permissions-check');
  await channel.unbindQueue(queue, exchange, 'permissions-check');
};

/** Deletes a queue only while it is empty and unused, as it is on the scratch broker these checks need. */
export const remove = (queue: string) => async (channel: ConfirmChannel) => {
  await channel.deleteQueue(queue, { ifEmpty: true, ifUnused: true });
};

export async function connectOutcome(url: string): Promise<Outcome> {
  try {
    const connection = await connect(url);
    await connection.close();
    return 'allowed';
  } catch {
    return 'refused';
  }
}
