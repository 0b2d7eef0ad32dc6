import type { ApiDescription } from '@shared/http';
import { OPERATIONS_ROUTES } from '@shop/contracts/operations-api';

/**
 * The operators' API. Its routes are described once, in
 * contracts/src/operations-api (so the dashboard reads its answers' types
 * from them): Express serves them through addRoute (dead-letter-routes.ts,
 * consumer-routes.ts), which validates with their schemas, and the OpenAPI
 * document is generated from them.
 */
export const OPERATIONS_API: ApiDescription = {
  title: 'operations',
  version: '1.0.0',
  description:
    "The operators' API: every service's dead letters (search, dry run, replay, discard), the audit log of every operator action, and the consumer and job controls (pause, resume, circuits, scheduled jobs). Behind ADMIN_TOKEN; every refusal is application/problem+json naming the offending fields.",
  auth: {
    adminToken: {
      type: 'http',
      scheme: 'bearer',
      description: 'ADMIN_TOKEN; without one configured, every /admin route answers 404',
    },
  },
  tags: {
    admin:
      "The operators' API, behind ADMIN_TOKEN: dead letters (search, dry run, replay, discard), the audit log, consumers (pause, resume) and jobs. The `npm run dlq` and `npm run consumers` CLIs and the dashboard are its clients",
  },
  routes: Object.values(OPERATIONS_ROUTES),
};
