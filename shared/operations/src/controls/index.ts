export {
  type CircuitState,
  type ConsumerControlRow,
  ConsumerControls,
} from './consumer-controls';
export {
  type CircuitBreakerOptions,
  ConsumerSwitch,
  type ConsumerSwitchOptions,
} from './consumer-switch';
export { parseRate, type Rate, spacingOf } from './rate';
export { rateLimitPool, SharedRateLimiter } from './shared-rate-limiter';
