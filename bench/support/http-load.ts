import { Agent, request } from 'node:http';
import { quantile } from './environment';

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than the expected status. */
  unexpected: number;
}

/**
 * Closed loop: `connections` clients, each sending its next request as soon
 * as the previous answer arrives, over kept-alive sockets. Latency is timed
 * per request with performance.now(), so sub-millisecond differences show
 * (autocannon rounds to whole milliseconds).
 */
export async function closedLoop(options: {
  url: string;
  body: () => string;
  connections: number;
  requests: number;
  warmup: number;
  expectStatus: number;
}): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const send = () => post(options.url, options.body(), agent);
  let issued = 0;
  const runPhase = async (count: number, record: (ms: number, status: number) => void) => {
    issued = 0;
    await Promise.all(
      Array.from({ length: options.connections }, async () => {
        while (issued < count) {
          issued++;
          const startedAt = performance.now();
          const status = await send();
          record(performance.now() - startedAt, status);
        }
      }),
    );
  };
  await runPhase(options.warmup, () => {});
  const latencies: number[] = [];
  let unexpected = 0;
  const started = performance.now();
  await runPhase(options.requests, (ms, status) => {
    latencies.push(ms);
    if (status !== options.expectStatus) unexpected++;
  });
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    requests: options.requests,
    seconds,
    perSecond: options.requests / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    unexpected,
  };
}

/**
 * Open loop: `rate` requests a second for `seconds`, whatever the answers
 * take; resolves with each status. Several URLs take turns (round robin, as
 * a load balancer in front of replicas would).
 */
export async function openLoop(options: {
  url: string | readonly string[];
  body: (index: number) => string;
  rate: number;
  seconds: number;
}): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const urls = typeof options.url === 'string' ? [options.url] : options.url;
  const total = Math.round(options.rate * options.seconds);
  const started = performance.now();
  const answers: Promise<number>[] = [];
  for (let index = 0; index < total; index++) {
    const due = started + (index * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    answers.push(post(urls[index % urls.length]!, options.body(index), agent));
  }
  const statuses = await Promise.all(answers);
  agent.destroy();
  return statuses;
}

function post(url: string, body: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
