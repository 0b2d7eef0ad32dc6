/** A rate as operators write it: "10/s", "600/m", "5/h". */
export interface Rate {
  count: number;
  perMs: number;
  /** As written, for logs and the admin API. */
  text: string;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000 };

/** The rate `text` describes, or a message saying what is wrong with it. */
export function parseRate(text: string): Rate | string {
  const match = /^\s*(\d+)\s*\/\s*(s|m|h)\s*$/.exec(text);
  const count = Number(match?.[1]);
  if (!match || !(count > 0)) return `"${text}" is not a rate; use e.g. 10/s, 600/m, 50/h`;
  return { count, perMs: UNITS[match[2]!]!, text: `${count}/${match[2]}` };
}

/**
 * Microseconds from one turn to the next: the period over the count, rounded
 * up to the microsecond (the database's resolution). With turns at least this
 * far apart, any span of one period, start included and end excluded, holds
 * at most `count` turns: "15/s" is a turn every 66,667 µs, "10/s" every
 * 100,000 µs, "5/h" every 12 minutes.
 */
export function spacingOf(rate: Rate): number {
  return Math.ceil((rate.perMs * 1_000) / rate.count);
}
