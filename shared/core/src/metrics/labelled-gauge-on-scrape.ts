import client from 'prom-client';
import { readAtMostEvery, SCRAPE_READ_INTERVAL_MS } from './read-at-most-every';
import { registry } from './registry';

/** Like gaugeOnScrape (gauge-on-scrape.ts), with one series per label set `read` returns. */
export function labelledGaugeOnScrape(
  name: string,
  help: string,
  labelNames: string[],
  read: () => Promise<{ labels: Record<string, string>; value: number }[]>,
) {
  registry.removeSingleMetric(name);
  const readSeries = readAtMostEvery(SCRAPE_READ_INTERVAL_MS, read);
  return new client.Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const { labels, value } of await readSeries().catch(() => [])) this.set(labels, value);
    },
  });
}
