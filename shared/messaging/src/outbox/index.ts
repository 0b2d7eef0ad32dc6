export type { EventPublisher } from './event-publisher';
export { OutboxBacklog } from './outbox-backlog';
export { backoffMs, OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { type OutboxDatabase, outboxTable } from './outbox-table';
