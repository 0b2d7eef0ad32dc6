import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of RabbitMQ or Postgres, so a test can cut
 * one process's connection (and refuse new ones) and later restore it,
 * without disturbing the real server or other tests running against it.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private open = true;
  private endNext: ((fromServer: Buffer) => boolean) | undefined;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on `port` (any free one by default). */
  static async start(targetHost: string, targetPort: number, port = 0): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy!.accept(client, targetHost, targetPort));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  rewrite(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  /** Drops every open connection and refuses new ones until `restore`. */
  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.open = true;
  }

  /**
   * The next connection only: once what the server has sent so far passes
   * `check`, the client gets it all, then the end of the stream (as when a
   * server closes the socket), and the server side is dropped.
   */
  endNextConnectionWhen(check: (fromServer: Buffer) => boolean): void {
    this.endNext = check;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, host: string, port: number) {
    if (!this.open) return client.destroy();
    const upstream = connect(port, host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
    const check = this.endNext;
    this.endNext = undefined;
    if (check) {
      let received = Buffer.alloc(0);
      // After pipe's own 'data' listener: the chunk has been written to the client.
      upstream.on('data', (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (!check(received)) return;
        upstream.unpipe(client);
        upstream.destroy();
        client.end();
      });
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
