/**
 * What checkout offers code outside it (scripts, benchmarks, the suite): its
 * API's route descriptions and routes, its configuration, and the simulated
 * gateway's test cards. Every other file of this folder is checkout's own;
 * `npm run check:boundaries` keeps it so.
 */
export { loadCheckoutConfig } from './config';
export { passesLuhn } from './domain/luhn';
export { CHECKOUT_API, CHECKOUT_ROUTES } from './http/checkout-api';
export { checkoutHttpRoutes } from './http/checkout-http';
export type { ChargeRequest, ChargeResult, PaymentGateway } from './payment/payment-gateway';
export { SimulatedPaymentGateway, TEST_CARDS } from './payment/simulated-payment-gateway';
