import { SMTPServer } from 'smtp-server';

/**
 * A fast SMTP sink for throughput runs: it accepts every message and counts
 * it, without parsing it (the tests' sink parses each mail, which would make
 * the sink, not the email service, the thing measured). Optional latency per
 * message stands in for a real relay.
 */
export class CountingSmtpServer {
  accepted = 0;
  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(latencyMs = 0): Promise<CountingSmtpServer> {
    let sink: CountingSmtpServer | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => {
          setTimeout(() => {
            if (sink) sink.accepted++;
            callback();
          }, latencyMs);
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sink = new CountingSmtpServer(server, (server.server.address() as { port: number }).port);
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
