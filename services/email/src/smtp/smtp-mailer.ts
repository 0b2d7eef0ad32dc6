import { permanentError, retryableError } from '@shared/core/errors';
import { inSpan, SpanKind } from '@shared/core/tracing';
import { EMAIL_KIND_HEADER, type EmailKind, SMTP_UNREACHABLE } from '@shop/contracts/email';
import nodemailer from 'nodemailer';

export const ADDRESS_REJECTED = 'EMAIL.ADDRESS_REJECTED';
export const SMTP_FAILED = 'EMAIL.SMTP_FAILED';
export const SMTP_DEADLINE = 'EMAIL.SMTP_DEADLINE';
export { SMTP_UNREACHABLE };

/** One email as the shop sends it: a plain-text and an HTML part, and its kind in a header. */
export interface OutgoingEmail {
  kind: EmailKind;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** RFC 5322 Message-ID, derived from the event id so a mailbox can drop a resent duplicate. */
  messageId: string;
}

export interface Mailer {
  /** Resolves once the server has accepted the message (its 250); `signal` abandons the send. */
  send(email: OutgoingEmail, signal: AbortSignal): Promise<void>;
  close(): void;
}

export interface SmtpOptions {
  url: string;
  from: string;
  /** Connect and greeting timeout: a server that is not there fails an attempt fast. */
  connectTimeoutMs: number;
  /** The whole send, connecting included; keep it below the handler timeout. */
  sendTimeoutMs: number;
  /** Pooled connections; one per message the consumer may handle at once. */
  maxConnections: number;
}

/**
 * Sends over SMTP through a connection pool and translates failures into
 * retryable or permanent errors.
 *
 * Each send has one deadline for the whole exchange, enforced by closing its
 * connection, and no shorter timer once the message is on the wire: a server
 * that holds the message may take its time with the 250, and giving up then
 * is how a mail is delivered twice (RFC 5321 §4.5.3.2.6 asks clients to wait
 * 10 minutes for it). The deadline sits below the handler timeout, so the
 * send has ended, one way or the other, before the attempt is given up.
 */
export function createSmtpMailer(options: SmtpOptions): Mailer {
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections,
    connectionTimeout: options.connectTimeoutMs,
    greetingTimeout: options.connectTimeoutMs,
    socketTimeout: options.sendTimeoutMs,
  });
  const server = new URL(options.url);
  return {
    // A client span per send, below the consumer's span: the SMTP exchange, connecting included.
    send: (email, signal) =>
      inSpan(
        'smtp send',
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'server.address': server.hostname,
            'server.port': Number(server.port || (server.protocol === 'smtps:' ? 465 : 25)),
            'email.kind': email.kind,
            'email.message_id': email.messageId,
          },
        },
        () => sendOnce(email, signal),
      ),
    close: () => transport.close(),
  };

  async function sendOnce(email: OutgoingEmail, signal: AbortSignal) {
    const deadline = AbortSignal.timeout(options.sendTimeoutMs);
    try {
      await transport.sendMail({
        from: options.from,
        to: email.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: email.messageId,
        headers: { [EMAIL_KIND_HEADER]: email.kind },
        // Aborting closes this send's pooled connection; others carry on.
        signal: AbortSignal.any([signal, deadline]),
      });
    } catch (error) {
      if (deadline.aborted) {
        throw retryableError(
          SMTP_DEADLINE,
          `the SMTP server did not accept the message within ${options.sendTimeoutMs} ms`,
          { cause: error },
        );
      }
      throw classifySmtpError(error);
    }
  }
}

interface SmtpFailure {
  message?: string;
  code?: string;
  command?: string;
  responseCode?: number;
  response?: string;
}

/** nodemailer's codes for a server that never answered: no connection, no greeting. */
const NO_ANSWER = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS']);

/**
 * A 5xx reply to RCPT TO means the server will never accept this address
 * (RFC 5321 §4.2.1: permanent negative completion), so retrying is pointless
 * and the message is parked with the server's own words. Everything else
 * (refused or dropped connections, timeouts, 4xx "try later", other 5xx) is
 * retried: the tiers are bounded, and parking mail a recovering server would
 * have accepted is the worse mistake. A server that did not answer at all is
 * SMTP_UNREACHABLE, which the circuit breaker counts (the registry entry).
 */
export function classifySmtpError(error: unknown) {
  const failure = (error ?? {}) as SmtpFailure;
  const reply = failure.response ?? failure.message ?? String(error);
  const rejectsRecipient = failure.command === 'RCPT TO' || failure.code === 'EENVELOPE';
  if (rejectsRecipient && failure.responseCode !== undefined && failure.responseCode >= 500) {
    return permanentError(ADDRESS_REJECTED, reply, { cause: error });
  }
  const code = failure.code ? ` (${failure.code})` : '';
  const unreachable = failure.responseCode === undefined && NO_ANSWER.has(failure.code ?? '');
  return retryableError(unreachable ? SMTP_UNREACHABLE : SMTP_FAILED, `${reply}${code}`, { cause: error });
}
