import { TRANSACTION_GRACE_MS } from '@shared/core/config';
import { retryableError } from '@shared/core/errors';
import type { Logger } from '@shared/core/logging';
import type { ConsumerSetup, HandlerContext } from '../consumer';
import type { EventContract, EventOf } from '../events';
import { type InboxTransaction, inboxFor } from '../inbox';
import type { DeliveryReport } from './report';

const HANDLER_TIMEOUT = 'HANDLER.TIMEOUT';

/** The run stage: the consumer's handler, or its jobs' handler, bound to one event. */
export class HandlerRunner<Contract extends EventContract, Result, Tx extends InboxTransaction> {
  constructor(
    private readonly setup: ConsumerSetup<Contract, Result, Tx>,
    private readonly handlerTimeoutMs: number,
    private readonly report: DeliveryReport,
  ) {}

  /**
   * Runs the handler with a signal that aborts at the timeout, and returns
   * only when the handler has: the delivery is settled (acked, or moved to a
   * retry tier) after its attempt has really ended, never while it may still
   * be sending. An abandoned attempt left running beside the retry is how one
   * event became two emails. A handler that ignores its signal keeps its
   * prefetch slot until it returns, which is the lesser harm. The circuit
   * breaker hears how every run ended.
   */
  async run(event: EventOf<Contract>, attempt: number, logOf: () => Logger, isJob: boolean): Promise<Result> {
    const { handlerTimeoutMs } = this;
    const signal = AbortSignal.timeout(handlerTimeoutMs);
    const transactionTimeoutMs = handlerTimeoutMs + TRANSACTION_GRACE_MS;
    const { inbox, queues } = this.setup;
    const context: HandlerContext<Tx> = {
      get log() {
        return logOf();
      },
      attempt,
      signal,
      transactionTimeoutMs,
      inbox: inbox
        ? inboxFor(inbox.db, inbox.schema, event, transactionTimeoutMs)
        : {
            claim: { schema: queues.service, eventId: event.id, eventType: event.type },
            once: () => Promise.reject(new Error(`${queues.service} runs without an inbox database`)),
          },
    };
    let result: Result;
    try {
      result = isJob
        ? ((await this.setup.jobs!.handler(event, context)) as Result)
        : await this.setup.handler(event, context);
    } catch (error) {
      const failure = signal.aborted
        ? retryableError(HANDLER_TIMEOUT, `handler ran longer than ${handlerTimeoutMs} ms`, { cause: error })
        : error;
      this.report.handlerFailed(failure);
      throw failure;
    }
    if (signal.aborted) logOf().warn({ handlerTimeoutMs }, 'handler finished after its timeout');
    this.report.handlerSucceeded();
    return result;
  }
}
