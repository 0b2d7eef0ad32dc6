import { randomUUID } from 'node:crypto';
import type { ServiceProcess } from '../service-process';
import type { ReceivedMail } from '../smtp-sink';
import { waitFor } from '../support';
import { Stack } from './stack';

/**
 * What the job-control tests share: the whole shop with its own email
 * process stopped, addresses of the run's own, and the email replicas each
 * test starts, stopped after it. `useJobControlsStack` starts the stack
 * before the file's tests; the bindings below hold it meanwhile (each test
 * file is a module registry of its own).
 */

export interface ConsumerState {
  service: string;
  paused: boolean;
  circuit: { state: string };
  consumers: number | null;
  rateLimit: string | null;
}

export const kindOf = (mail: ReceivedMail) => mail.parsed.headers.get('x-email-kind');
export const byArrival = (mails: ReceivedMail[]) => [...mails].sort((a, b) => a.arrivedAt - b.arrivedAt);
/** The most of the sorted `times` any half-open window [t, t + span) holds; the busiest starts at one of them. */
export const busiest = (times: number[], span: number) =>
  Math.max(0, ...times.map((start, index) => times.slice(index).filter((at) => at < start + span).length));

export let stack: Stack;
export const emails: ServiceProcess[] = [];
export const run = randomUUID().slice(0, 8);
export const address = (label: string, index = 0) => `${label}-${run}-${index}@example.com`;
export const mailsMatching = (label: string) =>
  stack.smtp.received.filter((mail) => mail.recipients[0]?.startsWith(`${label}-${run}-`));

/**
 * Starts that have not finished: a test that times out while one is under way still has its
 * process stopped after it, or the replica would consume the next test's messages with this
 * test's settings (a report sent to another address, a limit no longer set).
 */
export let starting: Promise<ServiceProcess>[] = [];
export const startEmails = async (count: number, env: Record<string, string> = {}) => {
  const starts = Array.from({ length: count }, () => stack.startReplica('email', env));
  starting.push(...starts);
  const started = await Promise.all(starts);
  emails.push(...started);
  return started;
};
export const emailState = async () =>
  (await stack.admin<ConsumerState[]>('/admin/consumers')).body.find(({ service }) => service === 'email')!;
/** Waits until email's controls match; a timeout says what they were last. */
export const waitForEmail = async (
  description: string,
  matches: (state: ConsumerState) => boolean,
  timeoutMs?: number,
) => {
  let last: ConsumerState | undefined;
  try {
    await waitFor(
      description,
      async () => {
        last = await emailState();
        return matches(last);
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; email's controls were last ${JSON.stringify(last)}`);
  }
};
export const metric = async (process: ServiceProcess, series: string) => {
  const text = await (await process.get('/metrics')).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

export function useJobControlsStack() {
  beforeAll(async () => {
    stack = await Stack.start({
      label: 'e2e-jobs',
      // Enough tiers that nothing reaches the DLQ while the breaker test keeps SMTP down.
      retryDelays: '250ms,300ms,350ms,400ms,450ms,500ms,550ms,600ms',
    });
    await stack.services.email.stop();
  });

  afterEach(async () => {
    const started = await Promise.allSettled(starting);
    const all = new Set([
      ...emails,
      ...started.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : [])),
    ]);
    await Promise.all([...all].map((process) => process.stop()));
    emails.length = 0;
    starting = [];
    // A test that failed while SMTP was down leaves the next one a server to send to.
    if (!stack.smtp.listening) await stack.smtp.listen();
  });

  afterAll(async () => {
    await stack?.stop();
  });
}
