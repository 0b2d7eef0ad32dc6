/** What webhooks offers code outside it: its API's route descriptions. */
export { WEBHOOKS_API } from './http/webhooks-api';
