import { SHOP_CONSUMERS, SHOP_MANIFEST, type ShopProcess } from '@shop/contracts/registry';

/** The processes Prometheus scrapes: checkout, operations and every consumer (the dashboard only reads). */
const SCRAPED = ['checkout', 'operations', ...SHOP_CONSUMERS] as ShopProcess[];

/**
 * One scrape job per consumer, so `job` names the service on every series.
 * A process that scales out is found through Docker's DNS, one target per
 * replica; the others have one target each.
 */
export const consumerScrapeJobs = (): string[] =>
  SCRAPED.filter((name) => name !== 'checkout').flatMap((name, index) => {
    const { port, scalesOut } = SHOP_MANIFEST[name];
    const target = scalesOut
      ? [
          '    dns_sd_configs:',
          `      - names: ["${name}"]`,
          '        type: A',
          `        port: ${port}`,
          '        refresh_interval: 5s',
        ]
      : ['    static_configs:', `      - targets: ["${name}:${port}"]`];
    return [
      ...(index > 0 ? [''] : []),
      `  - job_name: ${name}`,
      '    authorization: *metrics-token',
      ...target,
    ];
  });

/** ServiceDown's expression: any scraped process Prometheus cannot reach. */
export const serviceDownExpression = (): string[] => [`        expr: up{job=~"${SCRAPED.join('|')}"} == 0`];
