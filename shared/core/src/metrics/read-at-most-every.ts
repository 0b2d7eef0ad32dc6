/**
 * How often a gauge read on scrape may ask the database: every scrape
 * within this time shares one read, however many scrapers (Prometheus
 * replicas, the dashboard, a flood of requests) come.
 */
export const SCRAPE_READ_INTERVAL_MS = 1_000;

/**
 * `read`, at most once per `intervalMs`: a caller within that time of the
 * last answer gets it again, and callers while a read is under way share it.
 * A failed read is not kept.
 */
export function readAtMostEvery<Value>(intervalMs: number, read: () => Promise<Value>): () => Promise<Value> {
  let last: { at: number; value: Value } | undefined;
  let inFlight: Promise<Value> | undefined;
  return () => {
    if (inFlight) return inFlight;
    if (last && Date.now() - last.at < intervalMs) return Promise.resolve(last.value);
    inFlight = read()
      .then((value) => {
        last = { at: Date.now(), value };
        return value;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}
