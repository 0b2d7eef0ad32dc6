/**
 * P1 and P2: checkout's POST /orders beside a bare Express handler that does
 * one INSERT through the same driver, in one run, each in a process of its
 * own, driven by the same closed-loop client:
 *
 * - P1: one connection, payment 0 ms: checkout's p50 against the bare p50;
 *   and the same with the 0.8 s simulated gateway, against the payment alone.
 * - P2: eight connections: checkout's requests/s against the bare ones.
 *
 *   npm run bench:checkout [-- --requests 3000]
 *
 * Checkout runs whole: validation, the catalogue read, the pending insert,
 * the confirm statement with its outbox and task rows, and its relay
 * publishing each event with a confirm. Loopback only, bounded by
 * --requests. Its own database and queue prefix, removed afterwards.
 */

import { registryTopology } from '@shared/messaging';
import { loadCheckoutConfig } from '@shop/checkout';
import { Command } from 'commander';
import { SHOP_REGISTRY } from '../contracts/src/registry';
import {
  type BenchRow,
  benchDatabase,
  benchRun,
  environment,
  fixed,
  printRows,
  removeTopology,
} from './support/environment';
import { closedLoop } from './support/http-load';
import { BenchProcess } from './support/processes';

const ORDER = JSON.stringify({
  customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
  items: [
    { sku: 'MUG-CLASSIC', quantity: 2 },
    { sku: 'STICKER-PACK', quantity: 1 },
  ],
  payment: { cardNumber: '4242424242424242' },
});
const GATEWAY_MS = 800;

export async function run(requests = 3_000): Promise<BenchRow[]> {
  const bench = benchRun('checkout');
  const database = await benchDatabase(bench.databaseUrl);
  const env = {
    DATABASE_URL: bench.databaseUrl,
    AMQP_URL: environment.AMQP_URL.join(','),
    QUEUE_PREFIX: bench.prefix,
    LOG_LEVEL: 'info',
    OUTBOX_BACKLOG_LIMIT: '1000000',
  };
  const load = (url: string, connections: number, count: number) =>
    closedLoop({
      url: `${url}/orders`,
      body: () => ORDER,
      connections,
      requests: count,
      warmup: Math.min(300, count),
      expectStatus: 201,
    });
  try {
    const bare = await BenchProcess.start('bare', { file: 'bench/support/bare-server.ts' }, env, 4101);
    const bareOne = await load(bare.url, 1, requests);
    const bareEight = await load(bare.url, 8, requests * 2);
    await bare.stop();

    const checkout = await BenchProcess.start(
      'checkout',
      { service: 'checkout' },
      { ...env, PAYMENT_LATENCY_MS: '0' },
      4102,
    );
    const one = await load(checkout.url, 1, requests);
    const eight = await load(checkout.url, 8, requests * 2);
    await checkout.stop();

    const slow = await BenchProcess.start(
      'checkout',
      { service: 'checkout' },
      { ...env, PAYMENT_LATENCY_MS: String(GATEWAY_MS) },
      4103,
    );
    const gateway = await load(slow.url, 1, 20);
    await slow.stop();

    for (const result of [bareOne, bareEight, one, eight, gateway]) {
      if (result.unexpected > 0) throw new Error(`${result.unexpected} answers were not 201`);
    }
    return [
      {
        id: 'P1',
        measure: 'checkout p50 at c=1, payment 0 (ms)',
        value: fixed(one.p50Ms, 2),
        baseline: `bare ${fixed(bareOne.p50Ms, 2)}`,
        ratio: `+${fixed(one.p50Ms - bareOne.p50Ms, 2)} ms`,
        target: '<= bare + 2 ms',
        met: one.p50Ms <= bareOne.p50Ms + 2,
      },
      {
        id: 'P1',
        measure: `checkout p50 at c=1, ${GATEWAY_MS} ms gateway (ms)`,
        value: fixed(gateway.p50Ms, 0),
        baseline: `payment ${GATEWAY_MS}`,
        ratio: `+${fixed(gateway.p50Ms - GATEWAY_MS, 0)} ms`,
        target: '<= 810 ms',
        met: gateway.p50Ms <= 810,
      },
      {
        id: 'P2',
        measure: 'checkout req/s at c=8, payment 0',
        value: fixed(eight.perSecond),
        baseline: `bare ${fixed(bareEight.perSecond)}`,
        ratio: `${fixed((eight.perSecond / bareEight.perSecond) * 100)} %`,
        target: '>= 60 %',
        met: eight.perSecond >= 0.6 * bareEight.perSecond,
      },
    ];
  } finally {
    await removeTopology(registryTopology(SHOP_REGISTRY, loadCheckoutConfig({ QUEUE_PREFIX: bench.prefix })));
    await database.drop();
  }
}

if (require.main === module) {
  const { requests } = new Command()
    .option('--requests <n>', 'measured requests per side at c=1 (twice that at c=8)', Number, 3_000)
    .parse()
    .opts<{ requests: number }>();
  run(requests).then(
    (rows) => printRows('Checkout (P1, P2)', rows),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
