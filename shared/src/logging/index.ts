import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs, one line per event, every line naming its service. Request and
 * message handlers log through `logger.child({ correlationId })` so one
 * correlation id follows an order from the HTTP request to every consumer.
 */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
