export {
  databaseAndBrokerReadiness,
  type FulfillmentServiceOptions,
  fulfillmentVariables,
  serveFulfillmentService,
} from './serve-fulfillment-service';
export { exitOnStartupFailure, stopOnSignals } from './stop-on-signals';
