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
 * The rate as counting windows: a fixed window lets a whole period's count
 * through at its start, so the period is cut into windows of at least 100 ms
 * with a share each. "10/s" is one call per 100 ms; in any second at most one
 * window's share more than the rate gets through.
 */
export function windowsOf(rate: Rate): { points: number; windowMs: number } {
  const windowMs = Math.min(rate.perMs, Math.max(100, rate.perMs / rate.count));
  return { points: Math.max(1, Math.round((rate.count * windowMs) / rate.perMs)), windowMs };
}
