import type { ApiDescription } from '@shared/http';

/** The email service serves no routes of its own: only the HTTP app's (health, metrics, these docs). */
export const EMAIL_API: ApiDescription = {
  title: 'email',
  version: '1.0.0',
  description:
    'Sends the order confirmation for every completed order, then review requests and the sales report as jobs. Its work arrives through RabbitMQ (docs/asyncapi.yaml); over HTTP it serves only health, metrics and these docs.',
  routes: [],
};
