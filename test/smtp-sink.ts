import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './support';

/** Where in an SMTP transaction the sink can be told to stall. */
export type SmtpStage = 'recipient' | 'message';

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO), as the server accepted them. */
  recipients: string[];
  parsed: ParsedMail;
  /** When its DATA began (ms since the epoch): the send's arrival, for rates and order. */
  arrivedAt: number;
}

const SHUTTING_DOWN = () =>
  Object.assign(new Error('4.3.2 Shutting down; the message was not accepted'), { responseCode: 421 });

/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps every
 * message it accepts, parsed with `mailparser`. It can be stopped and started
 * again on the same port, refuses recipients at REJECTED_DOMAIN with a 550,
 * the way a real server answers an unknown mailbox, answers slowly for
 * SLOW_DOMAIN, and can be told to stall once for one address, to refuse an
 * address with a 550 for a while, or to fail its next sends with a 451.
 */
export class SmtpSink {
  static readonly REJECTED_DOMAIN = 'unknown.example';
  /** Mail to this domain is accepted half a second late, so deliveries running at once overlap. */
  static readonly SLOW_DOMAIN = 'slow.example';
  readonly received: ReceivedMail[] = [];
  /** The envelope recipients of every message whose DATA has begun, accepted yet or not: a send under way. */
  readonly begun: string[][] = [];
  /** Addresses refused with a 550 (a mailbox that does not exist) while they are in the set. */
  readonly refused = new Set<string>();
  private readonly temporaryFailures = new Map<string, number>();
  /** While set, every 250 after a message comes this much later (a slow server). */
  replyDelayMs = 0;
  private readonly stalls = new Map<string, { stage: SmtpStage; ms: number }>();
  private server: SMTPServer | undefined;
  private port = 0;

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await sink.listen();
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Messages whose envelope includes `address`. */
  mailsTo(address: string): ReceivedMail[] {
    return this.received.filter((mail) => mail.recipients.includes(address));
  }

  async waitForMailsTo(address: string, count: number, timeoutMs = 15_000): Promise<ReceivedMail[]> {
    return waitFor(
      `${count} mail(s) to ${address}`,
      () => this.mailsTo(address).length >= count && this.mailsTo(address),
      timeoutMs,
    );
  }

  /**
   * The next time `address` is sent to, the server waits `ms` before it answers
   * the RCPT TO (`recipient`: nothing is accepted yet, so a client that gives
   * up sends nothing), or before the 250 that accepts the message (`message`:
   * the server already holds the mail, and a client that gives up cannot know).
   */
  stallOnce(address: string, stage: SmtpStage, ms: number): void {
    this.stalls.set(address, { stage, ms });
  }

  /** The next `times` sends to `address` are refused at RCPT TO with a 451, a temporary failure. */
  failNextSends(address: string, times: number): void {
    this.temporaryFailures.set(address, times);
  }

  /** Whether it accepts connections (false after `stop`, until `listen`). */
  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Listens again, on the port it had before. */
  async listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      // Plain SMTP on loopback: no certificate to trust, so STARTTLS is not offered.
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 100,
      onRcptTo: (address, _session, callback) => {
        if (address.address.endsWith(`@${SmtpSink.REJECTED_DOMAIN}`) || this.refused.has(address.address)) {
          const error = Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected`), {
            responseCode: 550,
          });
          return callback(error);
        }
        const failures = this.temporaryFailures.get(address.address) ?? 0;
        if (failures > 0) {
          this.temporaryFailures.set(address.address, failures - 1);
          const error = Object.assign(new Error('4.3.0 Mailbox temporarily unavailable, try again later'), {
            responseCode: 451,
          });
          return callback(error);
        }
        setTimeout(() => callback(), this.takeStall(address.address, 'recipient'));
      },
      onData: (stream, session, callback) => {
        const arrivedAt = Date.now();
        this.begun.push(session.envelope.rcptTo.map((rcpt) => rcpt.address));
        simpleParser(stream).then(
          (parsed) => {
            const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address);
            const slow = recipients.some((address) => address.endsWith(`@${SmtpSink.SLOW_DOMAIN}`));
            const stalled = Math.max(0, ...recipients.map((address) => this.takeStall(address, 'message')));
            // A message is delivered when the server accepts it with its 250, as a real one
            // commits it to its queue before answering. Stopped before that moment, the server
            // has not accepted it: the sender hears 421 (or nothing), and nothing is delivered.
            setTimeout(
              () => {
                if (this.server !== server) return callback(SHUTTING_DOWN());
                this.received.push({ recipients, parsed, arrivedAt });
                callback();
              },
              Math.max(slow ? 500 : 0, stalled, this.replyDelayMs),
            );
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as { port: number }).port;
    this.server = server;
  }

  private takeStall(address: string, stage: SmtpStage): number {
    const stall = this.stalls.get(address);
    if (stall?.stage !== stage) return 0;
    this.stalls.delete(address);
    return stall.ms;
  }

  /**
   * Stops listening and drops open connections: senders now get "connection
   * refused", and a message not yet answered with its 250 is not delivered.
   */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
