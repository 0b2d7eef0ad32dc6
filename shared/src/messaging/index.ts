export { BROKER_UNAVAILABLE } from '../errors';
export { Broker } from './broker';
export type { BrokerConsumer } from './broker-consumer';
export type { BrokerOptions } from './broker-options';
export { PUBLISH_NOT_CONFIRMED, PUBLISH_UNROUTABLE } from './confirm-publisher';
export { connectBroker, type MessagingConfig, registryTopology } from './connect-broker';
export type { ConsumerSetup, EventHandler, HandlerContext } from './consumer';
export { type DeadLetterReason, HEADERS } from './headers';
export {
  type Inbox,
  type InboxClaim,
  type InboxDatabase,
  type InboxResult,
  type InboxTransaction,
  inboxFor,
} from './inbox';
export { OutcomeReporter } from './outcomes';
export { QueueCensus, type QueueCount, type ServiceQueueCount } from './queue-census';
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
