export { ConfigError, loadConfig } from './load-config';
export { parseRetryDelays, type RetryTier } from './retry-delays';
export { databaseVariables, httpVariables, loggingVariables, messagingVariables } from './variables';
