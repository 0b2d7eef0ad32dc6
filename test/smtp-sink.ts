import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { waitFor } from './support';

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO), as the server accepted them. */
  recipients: string[];
  parsed: ParsedMail;
}

/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps every
 * message it accepts, parsed with `mailparser`. It can be stopped and started
 * again on the same port, refuses recipients at REJECTED_DOMAIN with a 550,
 * the way a real server answers an unknown mailbox, and answers slowly for
 * SLOW_DOMAIN.
 */
export class SmtpSink {
  static readonly REJECTED_DOMAIN = 'unknown.example';
  /** Mail to this domain is accepted half a second late, so deliveries running at once overlap. */
  static readonly SLOW_DOMAIN = 'slow.example';
  readonly received: ReceivedMail[] = [];
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

  /** Listens again, on the port it had before. */
  async listen(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      // Plain SMTP on loopback: no certificate to trust, so STARTTLS is not offered.
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      closeTimeout: 100,
      onRcptTo: (address, _session, callback) => {
        if (address.address.endsWith(`@${SmtpSink.REJECTED_DOMAIN}`)) {
          const error = Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected`), {
            responseCode: 550,
          });
          return callback(error);
        }
        callback();
      },
      onData: (stream, session, callback) => {
        simpleParser(stream).then(
          (parsed) => {
            const recipients = session.envelope.rcptTo.map((rcpt) => rcpt.address);
            this.received.push({ recipients, parsed });
            const slow = recipients.some((address) => address.endsWith(`@${SmtpSink.SLOW_DOMAIN}`));
            setTimeout(() => callback(), slow ? 500 : 0);
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

  /** Stops listening and drops open connections: senders now get "connection refused". */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
