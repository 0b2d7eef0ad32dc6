/**
 * @shared/messaging: events over RabbitMQ, with the outbox that feeds them and
 * the registry that says who consumes what. Stands on @shared/core only.
 */
export { BROKER_UNAVAILABLE } from '@shared/core/errors';
export { Broker } from './broker';
export type { BrokerConsumer } from './broker-consumer';
export type { BrokerOptions } from './broker-options';
export { ConfirmPublisher, PUBLISH_NOT_CONFIRMED, PUBLISH_UNROUTABLE } from './confirm-publisher';
export { connectBroker, type MessagingConfig, registryTopology } from './connect-broker';
export type { ConsumerMode, ConsumerSetup, EventHandler, HandlerContext, Priority } from './consumer';
export * from './events';
export {
  attemptAcrossRuns,
  type DeadLetterReason,
  HEADERS,
  republishableProperties,
  withoutQueueCounters,
} from './headers';
export {
  type Inbox,
  type InboxClaim,
  type InboxDatabase,
  type InboxResult,
  type InboxTransaction,
  inboxFor,
} from './inbox';
export * from './outbox';
export { OutcomeReporter } from './outcomes';
export * from './registry';
export { decideAfterFailure, type FailureOutcome } from './retry-policy';
export type { ConsumerHandle } from './subscription';
export {
  type ConsumerDefinition,
  deleteTopology,
  describeTopology,
  EVENTS_EXCHANGE,
  findService,
  type QueueDeclaration,
  queueDeclarations,
  type ServiceQueues,
  type Topology,
  type TopologyOptions,
  topologyOf,
} from './topology';
export { TOPOLOGY_CONFLICT } from './topology-conflict';
