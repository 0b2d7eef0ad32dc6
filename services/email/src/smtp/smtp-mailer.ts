import { permanentError, retryableError } from '@shop/shared/errors';
import nodemailer from 'nodemailer';
import type { ConfirmationEmail } from '../domain/confirmation-email';

export const ADDRESS_REJECTED = 'EMAIL.ADDRESS_REJECTED';
export const SMTP_FAILED = 'EMAIL.SMTP_FAILED';

export interface Mailer {
  send(email: ConfirmationEmail): Promise<void>;
  close(): void;
}

export interface SmtpOptions {
  url: string;
  from: string;
  /** Connect, greeting and socket timeout: a dead server should fail an attempt fast, not hold it. */
  timeoutMs: number;
  /** Pooled connections; one per message the consumer may handle at once. */
  maxConnections: number;
}

/** Sends over SMTP through a connection pool and translates failures into retryable or permanent errors. */
export function createSmtpMailer(options: SmtpOptions): Mailer {
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  });
  return {
    async send(email) {
      try {
        await transport.sendMail({
          from: options.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: email.messageId,
        });
      } catch (error) {
        throw classifySmtpError(error);
      }
    },
    close: () => transport.close(),
  };
}

interface SmtpFailure {
  message?: string;
  code?: string;
  command?: string;
  responseCode?: number;
  response?: string;
}

/**
 * A 5xx reply to RCPT TO means the server will never accept this address
 * (RFC 5321 §4.2.1: permanent negative completion), so retrying is pointless
 * and the message is parked with the server's own words. Everything else
 * (refused or dropped connections, timeouts, 4xx "try later", other 5xx) is
 * retried: the tiers are bounded, and parking mail a recovering server would
 * have accepted is the worse mistake.
 */
export function classifySmtpError(error: unknown) {
  const failure = (error ?? {}) as SmtpFailure;
  const reply = failure.response ?? failure.message ?? String(error);
  const rejectsRecipient = failure.command === 'RCPT TO' || failure.code === 'EENVELOPE';
  if (rejectsRecipient && failure.responseCode !== undefined && failure.responseCode >= 500) {
    return permanentError(ADDRESS_REJECTED, reply, { cause: error });
  }
  const code = failure.code ? ` (${failure.code})` : '';
  return retryableError(SMTP_FAILED, `${reply}${code}`, { cause: error });
}
