import type { ChannelModel } from 'amqplib';

/**
 * Something that consumes on the process's connection: started on a fresh
 * channel after every (re)connect, stopped on close. A subscription is one;
 * the dead-letter drain is another.
 */
export interface BrokerConsumer {
  start(model: ChannelModel, onChannelLost: (error: Error) => void): Promise<void>;
  /** Takes nothing new and lets in-hand messages finish, for at most `timeoutMs`. */
  stop(timeoutMs: number): Promise<void>;
  /** False while it is not consuming (before its first start, while its channel is replaced). */
  readonly consuming: boolean;
}
