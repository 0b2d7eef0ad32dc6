/** One URL, or a node of a cluster each: at least one, the first listed tried first. */
export type AmqpUrls = [string, ...string[]];

/**
 * Parses an AMQP_URL value: one amqp:// or amqps:// URL, or several separated
 * by commas, one per node of a cluster. Returns an error message instead of
 * throwing so config validation can name the variable; the message names an
 * entry by its position, never by its text, which holds a password.
 */
export function parseAmqpUrls(value: string): AmqpUrls | string {
  const entries = value.split(',').map((entry) => entry.trim());
  const urls: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const position = entries.length > 1 ? `entry ${index + 1} of ${entries.length}` : 'the URL';
    if (entry === '') return `${position} is empty; separate URLs with single commas`;
    if (!/^amqps?:\/\//.test(entry) || !URL.canParse(entry) || new URL(entry).hostname === '') {
      return `${position} is not an amqp:// or amqps:// URL with a host`;
    }
    if (urls.includes(entry)) return `${position} repeats an earlier one`;
    urls.push(entry);
  }
  return urls as AmqpUrls;
}
