import { hostname } from 'node:os';
import type { Logger } from '@shared/core/logging';
import { controlMetrics } from '@shared/core/metrics';
import { NotificationListener } from '@shared/core/postgres';
import type { ConsumerMode } from '@shared/messaging';
import type { ConsumerControlRow, ConsumerControls } from './consumer-controls';

export interface CircuitBreakerOptions {
  /** Error codes that count as "the downstream cannot be reached". */
  opensOn: ReadonlySet<string>;
  /** That many of them in a row open the circuit. */
  threshold: number;
  coolDownMs: number;
}

export interface ConsumerSwitchOptions {
  service: string;
  controls: ConsumerControls;
  /** For LISTEN: every change to the controls is heard at once. */
  databaseUrl: string;
  breaker?: CircuitBreakerOptions;
  /** The rate limit this replica runs with, announced for operators to see. */
  rateLimit?: string;
  /** How long the probe's holder may take before another replica may probe instead. */
  probeLeaseMs: number;
  /** Read the row this often too, in case a notification was missed. */
  pollMs?: number;
  log: Logger;
  /** Called with every change of mode, and once at start. */
  onMode: (mode: ConsumerMode) => void;
}

export const NOTIFY_CHANNEL = 'runtime_consumer_controls';
const CIRCUIT_GAUGE = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Decides, for one replica, whether it consumes: an operator's pause and the
 * circuit breaker, both kept in runtime.consumer_controls so every replica
 * of the service follows the same decision.
 *
 * The breaker: each replica counts the failures in a row whose code says the
 * downstream is unreachable; at the threshold it opens the circuit for every
 * replica (they hold; the messages wait in the queue instead of burning their
 * retries). When the cool-down ends, one replica takes the probe (half-open)
 * and handles a single message: if that attempt fails the same way, the
 * circuit opens again; any other outcome closes it, and everyone consumes.
 */
export class ConsumerSwitch {
  readonly replica = `${hostname()}#${process.pid}`;
  private row: ConsumerControlRow | undefined;
  private mode: ConsumerMode | undefined;
  private failuresInARow = 0;
  private readonly listener: NotificationListener;
  private pollTimer: NodeJS.Timeout | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  /** The read under way, and the one queued behind it for the calls made meanwhile. */
  private reading: Promise<void> | undefined;
  private rereading: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: ConsumerSwitchOptions) {
    this.listener = new NotificationListener(
      options.databaseUrl,
      NOTIFY_CHANNEL,
      () => void this.refresh(),
      options.log,
    );
  }

  /** Reads the service's controls and applies them; resolves once the first mode is set. */
  async start(): Promise<void> {
    await this.options.controls.announce(this.options.service, this.options.rateLimit ?? null);
    this.listener.start();
    // Listening before the first read: a pause made in between would otherwise wait for the poll.
    if (!(await this.listener.waitUntilListening(5_000))) {
      this.options.log.warn(
        'not listening for control changes yet; reading them every few seconds meanwhile',
      );
    }
    await this.refresh();
    this.pollTimer = setInterval(() => void this.refresh(), this.options.pollMs ?? 5_000);
    this.pollTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    clearTimeout(this.probeTimer);
    await this.listener.stop();
  }

  get current(): ConsumerControlRow | undefined {
    return this.row;
  }

  /**
   * Every handler run ends here: `code` is the error code of a failed run,
   * undefined for a success. Only the breaker listens.
   */
  outcome(code: string | undefined, error?: string): void {
    const { breaker } = this.options;
    if (!breaker || this.stopped) return;
    const unreachable = code !== undefined && breaker.opensOn.has(code);
    if (this.mode === 'probe') {
      void this.afterProbe(unreachable, error ?? code ?? '');
      return;
    }
    this.failuresInARow = unreachable ? this.failuresInARow + 1 : 0;
    if (unreachable && this.failuresInARow >= breaker.threshold && this.row?.circuit === 'closed') {
      this.failuresInARow = 0;
      void this.transition('open', () =>
        this.options.controls.open(
          this.options.service,
          this.replica,
          breaker.coolDownMs,
          `${breaker.threshold} failures in a row; last: ${error ?? code}`,
        ),
      );
    }
  }

  private async afterProbe(unreachable: boolean, error: string) {
    const { controls, service, breaker } = this.options;
    if (unreachable) {
      await this.transition('open', () =>
        controls.open(service, this.replica, breaker!.coolDownMs, `the probe failed: ${error}`),
      );
    } else {
      await this.transition('closed', () => controls.close(service, this.replica));
    }
  }

  /** Runs one conditional write; if this replica made the change, counts and logs it, and re-reads. */
  private async transition(to: 'open' | 'half-open' | 'closed', write: () => Promise<boolean>) {
    const from = this.row?.circuit;
    try {
      if (!(await write())) return;
    } catch (error) {
      this.options.log.warn({ err: error, to }, 'could not change the circuit; will read it again');
      return;
    }
    controlMetrics.transitions.inc({ service: this.options.service, to });
    const level = to === 'open' ? 'warn' : 'info';
    this.options.log[level]({ from, to, replica: this.replica }, `circuit ${to}`);
    await this.refresh();
  }

  /**
   * Re-reads the row and applies it. A call made while a read is under way
   * may follow a change that read started too early to see (this replica's
   * own transition, a notification), so it gets the next read, which every
   * call meanwhile shares; it never settles for the read under way.
   */
  private refresh(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.reading) {
      this.rereading ??= this.reading
        .catch(() => {})
        .then(() => {
          this.rereading = undefined;
          return this.refresh();
        });
      return this.rereading;
    }
    this.reading = this.read().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async read() {
    try {
      this.row = await this.options.controls.read(this.options.service);
    } catch (error) {
      // Keep the last known mode: a database hiccup neither pauses nor resumes anything.
      this.options.log.warn({ err: error }, 'could not read the consumer controls');
      return;
    }
    this.apply(this.row);
  }

  private apply(row: ConsumerControlRow) {
    const { service } = this.options;
    controlMetrics.paused.set({ service }, row.pausedAt ? 1 : 0);
    controlMetrics.circuit.set({ service }, CIRCUIT_GAUGE[row.circuit]);
    const mode: ConsumerMode = row.pausedAt
      ? 'hold'
      : row.circuit === 'closed'
        ? 'consume'
        : row.circuit === 'half-open' && row.probeBy === this.replica
          ? 'probe'
          : 'hold';
    if (mode !== this.mode) {
      if (mode === 'consume') this.failuresInARow = 0;
      this.mode = mode;
      this.options.log.info({ mode, paused: row.pausedAt !== null, circuit: row.circuit }, 'consumer mode');
      this.options.onMode(mode);
    }
    this.scheduleProbe(row);
  }

  /**
   * While the circuit is not closed, try to take (or, holding it, keep) the
   * probe when the row says it is due; the conditional write lets one
   * replica win.
   */
  private scheduleProbe(row: ConsumerControlRow) {
    clearTimeout(this.probeTimer);
    if (row.circuit === 'closed' || row.pausedAt || !row.circuitUntil) return;
    const holding = row.circuit === 'half-open' && row.probeBy === this.replica;
    const until = row.circuitUntil.getTime() - Date.now();
    const inMs = holding ? Math.max(0, until / 2) : Math.max(0, until);
    const claim = () =>
      this.options.controls.claimProbe(this.options.service, this.replica, this.options.probeLeaseMs);
    this.probeTimer = setTimeout(() => {
      // The holder only extends its claim: no transition to count or log.
      if (holding)
        void claim().then(
          () => this.refresh(),
          () => this.refresh(),
        );
      else void this.transition('half-open', claim);
    }, inMs + 5);
    this.probeTimer.unref();
  }
}
