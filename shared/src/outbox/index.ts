export { OutboxBacklog } from './outbox-backlog';
export { backoffMs, type EventPublisher, OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { type OutboxDatabase, outboxTable } from './outbox-table';
