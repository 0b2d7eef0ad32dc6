import type { ApiDescription } from '@shared/http';

/** The webhooks service serves no routes of its own: only the HTTP app's (health, metrics, these docs). */
export const WEBHOOKS_API: ApiDescription = {
  title: 'webhooks',
  version: '1.0.0',
  description:
    "POSTs every completed order, signed (Standard Webhooks), to the merchant's endpoint. Its work arrives through RabbitMQ (docs/asyncapi.yaml); over HTTP it serves only health, metrics and these docs.",
  routes: [],
};
