import type { DeadLetters } from '@shared/operations';
import type { Express } from 'express';
import { type ConsumerAdminDeps, consumerAdminRoutes } from './consumer-routes';
import { deadLetterRoutes } from './dead-letter-routes';

export interface OperationsHttpDeps {
  deadLetters: DeadLetters;
  // Their pauses and resumes go to the dead letters' audit log.
  consumers: Omit<ConsumerAdminDeps, 'audit'>;
  /** ADMIN_TOKEN: the API's bearer token; unset, every route answers 404. */
  adminToken: string | undefined;
}

/** Every route the operations service serves (operations-api.ts describes each). */
export function operationsHttpRoutes(deps: OperationsHttpDeps) {
  return (app: Express) => {
    app.use(deadLetterRoutes(deps.deadLetters, deps.adminToken));
    app.use(consumerAdminRoutes({ ...deps.consumers, audit: deps.deadLetters }, deps.adminToken));
  };
}
