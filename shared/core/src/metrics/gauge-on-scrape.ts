import client from 'prom-client';
import { readAtMostEvery, SCRAPE_READ_INTERVAL_MS } from './read-at-most-every';
import { registry } from './registry';

/**
 * Adds a gauge whose value is read when Prometheus scrapes (outbox backlog,
 * relay lag...), at most once per SCRAPE_READ_INTERVAL_MS.
 */
export function gaugeOnScrape(name: string, help: string, read: () => Promise<number>) {
  // A process that builds its app twice (tests) replaces the earlier gauge instead of failing.
  registry.removeSingleMetric(name);
  const readValue = readAtMostEvery(SCRAPE_READ_INTERVAL_MS, read);
  return new client.Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      this.set(await readValue().catch(() => Number.NaN));
    },
  });
}
