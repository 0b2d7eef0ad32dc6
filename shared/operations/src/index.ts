/**
 * @shared/operations: running consumers and looking after them. Stands on
 * @shared/messaging and @shared/http; nothing in the runtime stands on it.
 */
export * from './controls';
export * from './dead-letters';
export * from './lifecycle';
export { QueueCensus, type QueueCount, type ServiceQueueCount } from './queue-census';
export * from './scheduler';
