import {
  databaseVariables,
  httpVariables,
  loadConfig,
  loggingVariables,
  messagingVariables,
} from '@shared/core/config';
import { tracingVariables } from '@shared/core/tracing';
import { SHOP_MANIFEST } from '@shop/contracts/registry';
import { z } from 'zod';

export const operationsVariables = {
  ...loggingVariables,
  ...databaseVariables,
  ...messagingVariables,
  ...httpVariables(SHOP_MANIFEST.operations.port),
  ...tracingVariables,
  /** Bearer token for the operators' API under /admin; unset, the API is off (every route 404). */
  ADMIN_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
};

export type OperationsConfig = ReturnType<typeof loadOperationsConfig>;

export function loadOperationsConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfig(operationsVariables, source);
}
