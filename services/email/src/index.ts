/** What email offers code outside it: its API's route descriptions. */
export { EMAIL_API } from './http/email-api';
