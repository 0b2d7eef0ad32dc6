export {
  createEvent,
  defineEvent,
  type EventContract,
  type EventEnvelope,
  type EventOf,
  envelopeSchema,
} from './envelope';
export {
  ConfirmationSentV1,
  FULFILLMENT_OUTCOMES,
  FULFILLMENT_TASKS,
  type FulfillmentService,
  type FulfillmentTask,
  OrderRecordedV1,
  ReceiptGeneratedV1,
  StockReservedV1,
  taskDeadLetteredV1,
  taskFailedV1,
} from './fulfillment-outcomes.v1';
export { OrderCompletedV1, orderLineSchema } from './order-completed.v1';
export { EVENT_SCHEMA_INVALID, parseEvent } from './parse-event';
