/**
 * Spaces actions at least 1/ratePerSecond apart, so a replay does not flood a
 * service that has only just recovered.
 */
export class RateLimit {
  private readonly intervalMs: number;
  private nextAt = 0;

  constructor(ratePerSecond: number) {
    if (!(ratePerSecond > 0)) throw new RangeError(`rate must be positive, got ${ratePerSecond}`);
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** Resolves when the next action may start. */
  async wait(): Promise<void> {
    const now = Date.now();
    const startAt = Math.max(now, this.nextAt);
    this.nextAt = startAt + this.intervalMs;
    if (startAt > now) await new Promise((resolve) => setTimeout(resolve, startAt - now));
  }
}
