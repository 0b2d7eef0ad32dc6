export {
  type CircuitState,
  type ConsumerControlRow,
  ConsumerControls,
} from './consumer-controls';
export {
  type CircuitBreakerOptions,
  type ConsumerMode,
  ConsumerSwitch,
  type ConsumerSwitchOptions,
} from './consumer-switch';
export { parseRate, type Rate, spacingOf } from './rate';
export { type Priority, rateLimitPool, SharedRateLimiter } from './shared-rate-limiter';
