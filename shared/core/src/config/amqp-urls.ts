/** One URL, or a node of a cluster each: at least one, the first listed tried first. */
export type AmqpUrls = [string, ...string[]];

/** `host`, `host:port` or `[ipv6]:port`: a further node written without the rest of its URL. */
const NODE = /^(\[[0-9a-f:.]+\]|[a-z0-9][a-z0-9.-]*)(:\d{1,5})?$/i;

/**
 * Parses an AMQP_URL value: one amqp:// or amqps:// URL, or several separated
 * by commas, one per node of a cluster. After the first, a node may be written
 * as its host (and port) alone, and borrows the rest from the URL before it:
 * `amqp://shop:pw@rabbitmq-1,rabbitmq-2,rabbitmq-3` is three URLs with the
 * same credentials, vhost and parameters, which a compose file can build from
 * one host variable. Returns an error message instead of throwing so config
 * validation can name the variable; the message names an entry by its
 * position, never by its text, which holds a password.
 */
export function parseAmqpUrls(value: string): AmqpUrls | string {
  const entries = value.split(',').map((entry) => entry.trim());
  const urls: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const position = entries.length > 1 ? `entry ${index + 1} of ${entries.length}` : 'the URL';
    if (entry === '') return `${position} is empty; separate URLs with single commas`;
    const previous = urls.at(-1);
    const url = previous !== undefined && NODE.test(entry) ? onNode(previous, entry) : entry;
    if (!/^amqps?:\/\//.test(url) || !URL.canParse(url) || new URL(url).hostname === '') {
      return index === 0
        ? `${position} is not an amqp:// or amqps:// URL with a host`
        : `${position} is neither an amqp:// or amqps:// URL with a host nor a host[:port]`;
    }
    if (urls.includes(url)) return `${position} repeats an earlier one`;
    urls.push(url);
  }
  return urls as AmqpUrls;
}

/** `url` with its host and port replaced by `node`'s (the scheme's port when `node` names none). */
function onNode(url: string, node: string): string {
  const moved = new URL(url);
  moved.host = node;
  if (!/:\d+$/.test(node)) moved.port = '';
  return moved.toString();
}
