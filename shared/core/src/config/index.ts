/**
 * The environment variables the processes share, with defaults that point at
 * localhost so a machine running RabbitMQ and Postgres needs no configuration.
 * A service composes the groups it needs and adds its own (PORT, SMTP_URL...),
 * and reads them with loadConfig.
 */
export { type AmqpUrls, parseAmqpUrls } from './amqp-urls';
export { databaseVariables } from './database-variables';
export { httpVariables, proxyVariables } from './http-variables';
export { ConfigError, loadConfig } from './load-config';
export { loggingVariables } from './logging-variables';
export { messagingVariables } from './messaging-variables';
export { parseDuration, parseRetryDelays, type RetryTier } from './retry-delays';
export { shutdownDeadlineMs, shutdownTimeoutMs, TRANSACTION_GRACE_MS } from './shutdown-timeouts';
export { duration } from './variable-kinds';
export { variableName } from './variable-name';
