import { z } from 'zod';

/**
 * The standard OpenTelemetry variables this runtime reads itself; the SDK
 * reads the rest of the OTEL_* family (OTEL_EXPORTER_OTLP_HEADERS,
 * OTEL_TRACES_SAMPLER, OTEL_BSP_SCHEDULE_DELAY, OTEL_RESOURCE_ATTRIBUTES...)
 * as the specification says.
 * https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 */
export const tracingVariables = {
  /** `otlp`, `console` or `none`; unset: `otlp` when an OTLP endpoint is set, else `none`. */
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'console', 'none']).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** The service.name of every span; defaults to the process's own name (checkout, email...). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
};

export type TracingConfig = {
  readonly OTEL_TRACES_EXPORTER?: 'otlp' | 'console' | 'none' | undefined;
  readonly OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  readonly OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string | undefined;
  readonly OTEL_SERVICE_NAME?: string | undefined;
  readonly OTEL_SDK_DISABLED: 'true' | 'false';
};

/**
 * Where spans go. The specification's default is `otlp`; here it is `otlp`
 * only once an endpoint says where to, so a process started without one
 * (tests, `npm start`, a benchmark) records nothing and prints no export
 * errors. docs/decisions.md, "Traces are off until an endpoint is set".
 */
export function tracesExporter(config: TracingConfig): 'otlp' | 'console' | 'none' {
  if (config.OTEL_SDK_DISABLED === 'true') return 'none';
  if (config.OTEL_TRACES_EXPORTER) return config.OTEL_TRACES_EXPORTER;
  return config.OTEL_EXPORTER_OTLP_ENDPOINT || config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? 'otlp' : 'none';
}
