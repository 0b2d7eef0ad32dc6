/**
 * Codes the runtime itself raises and more than one layer names: messaging
 * throws it, the HTTP error table answers it with 503 and Retry-After. Here,
 * below both, so that neither layer imports the other.
 */
export const BROKER_UNAVAILABLE = 'MESSAGING.BROKER_UNAVAILABLE';
