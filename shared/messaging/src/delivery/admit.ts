import type { ConfirmChannel } from 'amqplib';
import type { ConsumerMode, Priority } from '../consumer';
import type { Delivery } from './guard';
import type { DeliveryReport } from './report';

/** What admission reads of the subscription when a delivery's turn comes. */
export interface ConsumerState {
  mode(): ConsumerMode;
  /** Whether `channel` is still the subscription's, and the subscription is not stopping. */
  isLive(channel: ConfirmChannel): boolean;
}

/** Run the handler, put the delivery back in its queue, or leave it to the broker. */
export type Admitted = 'run' | 'put-back' | 'leave';

/** Lets a delivery run once it has a turn under the service's rate limit, and while the consumer consumes. */
export class Admission {
  constructor(
    private readonly rateLimiter: { acquire(priority: Priority): Promise<number> } | undefined,
    private readonly state: ConsumerState,
    private readonly report: DeliveryReport,
  ) {}

  /** `probe`: taken by the circuit breaker's probe, so it runs whatever the mode. */
  async admit(
    delivery: Delivery,
    isJob: boolean,
    channel: ConfirmChannel,
    probe: boolean,
  ): Promise<Admitted> {
    if (this.rateLimiter) {
      const waitedFrom = performance.now();
      let turn: number;
      try {
        turn = await this.rateLimiter.acquire(isJob ? 'jobs' : 'main');
      } catch {
        // The process is stopping: the message goes back to the queue with the channel.
        return 'leave';
      }
      this.report.metrics.waited(isJob ? 'jobs' : 'main', waitedFrom);
      delivery.log().debug({ turn }, 'rate limit turn');
    }
    if (probe || this.state.mode() === 'consume') return 'run';
    // A delivery the broker handed this replica just before a hold cancelled
    // its consumers (a pause, an open circuit): it goes back to the tail of its
    // queue, by the same confirmed republish that moves a failed message to a
    // retry tier, without running. So a holding replica keeps nothing: every
    // waiting message is in the queue, where operators and the autoscaler see
    // it, and the broker counts no consumer. No attempt is spent, and no
    // delivery counted, which a `basic.nack` with requeue would do on RabbitMQ
    // 3.10 to 4.2 (a service paused a few times could then park healthy
    // messages as a crash loop). On a stop or a lost channel it is left to the
    // broker, which returns it with the channel.
    return this.state.isLive(channel) ? 'put-back' : 'leave';
  }
}
