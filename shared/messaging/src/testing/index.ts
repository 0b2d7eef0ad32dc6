/**
 * Test doubles for unit tests: a broker and an inbox in memory, so a use case
 * or a handler runs in milliseconds with no RabbitMQ and no Postgres. Each
 * service keeps the in-memory stand-ins of its own data in its `src/testing/`.
 */
export { type InMemoryConsumer, InMemoryEventBus, type InMemoryHandlerContext } from './in-memory-event-bus';
export { InMemoryInbox } from './in-memory-inbox';
