export { BROKER_UNAVAILABLE, Broker, type BrokerOptions, TOPOLOGY_CONFLICT } from './broker';
export { PUBLISH_NOT_CONFIRMED, PUBLISH_UNROUTABLE } from './confirm-publisher';
export { type DemoKnobs, demoVariables, SIMULATED_FAILURE, withDemoKnobs } from './demo-knobs';
export { type DeadLetterReason, HEADERS } from './headers';
export { handleOnce, type InboxResult, type InboxSchema } from './inbox';
export { decideAfterFailure, type FailureOutcome } from './retry-policy';
export { connectShopBroker, type MessagingConfig, SHOP_CONSUMERS, shopTopology } from './shop-topology';
export type { DeliveryOutcome, EventHandler, HandlerContext, OutcomeListener } from './subscription';
export { reportTaskOutcomes } from './task-outcomes';
export {
  type ConsumerDefinition,
  deleteTopology,
  describeTopology,
  EVENTS_EXCHANGE,
  type QueueDeclaration,
  queueDeclarations,
  type ServiceQueues,
  type Topology,
  type TopologyOptions,
} from './topology';
