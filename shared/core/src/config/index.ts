export { type AmqpUrls, parseAmqpUrls } from './amqp-urls';
export { ConfigError, loadConfig } from './load-config';
export { parseDuration, parseRetryDelays, type RetryTier } from './retry-delays';
export { variableName } from './variable-name';
export {
  databaseVariables,
  duration,
  httpVariables,
  loggingVariables,
  messagingVariables,
  proxyVariables,
  shutdownDeadlineMs,
  shutdownTimeoutMs,
  TRANSACTION_GRACE_MS,
} from './variables';
