import {
  createEvent,
  type FulfillmentService,
  type OrderCompletedV1,
  taskDeadLetteredV1,
  taskFailedV1,
} from '../events';
import type { Logger } from '../logging';
import type { Broker } from './broker';
import type { OutcomeListener } from './subscription';

/**
 * Publishes `<service>.task.failed` when an attempt failed and a retry is
 * scheduled, and `<service>.task.dead-lettered` when the message was parked,
 * so checkout can show it. Success events are the handlers' own, published
 * after their effect. A message that could not be parsed has no order to
 * report on; it is visible in the DLQ and in metrics instead.
 *
 * Status is a projection: if the broker refuses the report, the work itself
 * is unaffected (the message already sits in its retry queue or DLQ), so a
 * failed report is logged, not retried.
 */
export function reportTaskOutcomes(
  broker: Broker,
  service: FulfillmentService,
  logger: Logger,
): OutcomeListener<typeof OrderCompletedV1> {
  const failed = taskFailedV1(service);
  const deadLettered = taskDeadLetteredV1(service);
  return (outcome, event) => {
    if (!event || outcome.kind === 'handled') return;
    const context = { correlationId: event.correlationId };
    const { orderId } = event.data;
    const report =
      outcome.kind === 'retry-scheduled'
        ? createEvent(
            failed,
            { orderId, attempt: outcome.attempt, error: outcome.error, retryIn: outcome.delay },
            context,
          )
        : createEvent(
            deadLettered,
            { orderId, attempt: outcome.attempt, error: outcome.error, reason: outcome.reason },
            context,
          );
    broker
      .publish(report)
      .catch((error: unknown) => logger.warn({ err: error, orderId }, 'could not report task outcome'));
  };
}
