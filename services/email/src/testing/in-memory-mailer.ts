import type { Mailer, OutgoingEmail } from '../smtp/smtp-mailer';

/** An SMTP server that accepts everything: `sent` holds each email it was handed, in order. */
export class InMemoryMailer implements Mailer {
  readonly sent: OutgoingEmail[] = [];

  async send(email: OutgoingEmail): Promise<void> {
    this.sent.push(email);
  }

  close(): void {}
}
