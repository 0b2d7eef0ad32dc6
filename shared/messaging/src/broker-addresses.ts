import type { AmqpUrls } from '@shared/core/config';
import type { Options } from 'amqplib';

/**
 * The nodes a broker connection may use, in the order AMQP_URL lists them,
 * and the one its next attempt goes to.
 *
 * amqplib has no list of hosts: its recovery reopens the address `connect`
 * was given. So it is given `address`, an object this class rewrites in
 * place, whose fields amqplib reads afresh on every attempt (its
 * lib/connect.js); `advance`, called as each retry is scheduled, points it at
 * the next node. With one URL nothing changes. broker-addresses.test.ts fails
 * if an amqplib upgrade stops reading the address that way.
 * https://www.rabbitmq.com/docs/clustering#clients
 */
export class BrokerAddresses {
  /** What amqplib connects to: always the current node. */
  readonly address: Options.Connect;
  private readonly nodes: Options.Connect[];
  private index = 0;

  constructor(urls: string | AmqpUrls) {
    this.nodes = (typeof urls === 'string' ? [urls] : urls).map(connectOptions);
    this.address = { ...this.nodes[0] };
  }

  /** Points `address` at the next node; after the last, the first again. */
  advance(): void {
    this.index = (this.index + 1) % this.nodes.length;
    Object.assign(this.address, this.nodes[this.index]);
  }

  /** The current node as host:port, for logs (the URL would show the password). */
  get current(): string {
    return `${this.address.hostname}:${this.address.port}`;
  }
}

/**
 * An amqp:// URL as the fields amqplib reads from an address object, meaning
 * what the same URL passed as a string means to it: credentials decoded
 * (guest/guest when the URL has none), the vhost still escaped (amqplib
 * unescapes it), the query's tuning parameters as numbers. Every field is
 * present, undefined when unset, so that advancing overwrites all of them.
 */
export function connectOptions(url: string): Options.Connect {
  const parsed = new URL(url);
  const protocol = parsed.protocol.replace(/:$/, '');
  const hasCredentials = parsed.username !== '' || parsed.password !== '';
  const numeric = (name: string) => {
    const value = parsed.searchParams.get(name);
    return value === null ? undefined : Number.parseInt(value, 10);
  };
  return {
    protocol,
    hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port) || (protocol === 'amqps' ? 5671 : 5672),
    username: hasCredentials ? decodeURIComponent(parsed.username) : undefined,
    password: hasCredentials ? decodeURIComponent(parsed.password) : undefined,
    vhost: parsed.pathname.slice(1) || undefined,
    locale: parsed.searchParams.get('locale') ?? undefined,
    heartbeat: numeric('heartbeat'),
    frameMax: numeric('frameMax'),
    channelMax: numeric('channelMax'),
    maxFrameSize: numeric('maxFrameSize'),
  };
}
