/**
 * The header every email the shop sends carries, naming its kind (contract):
 * mail filters, the SMTP server's logs and the tests tell them apart by it.
 */
export const EMAIL_KIND_HEADER = 'X-Email-Kind';

export const EMAIL_KINDS = ['order-confirmation', 'review-request', 'sales-report'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

/** The error code of an SMTP server that cannot be reached: what opens the email service's circuit. */
export const SMTP_UNREACHABLE = 'EMAIL.SMTP_UNREACHABLE';
