/** The scraper's token every service in the tests is given (METRICS_TOKEN), set by the global setup. */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789';
