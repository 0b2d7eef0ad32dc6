import type { Server } from 'node:http';
import type { Logger } from '@shared/core/logging';
import type { Express } from 'express';

export interface RunningServer {
  server: Server;
  /** The bound port: the real one when 0 was asked for. */
  port: number;
  /** Stops accepting connections and waits for in-flight requests. */
  close(): Promise<void>;
}

export function startHttpServer(app: Express, port: number, logger: Logger): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, (error?: Error) => {
      if (error) return reject(error);
      const address = server.address();
      const boundPort = typeof address === 'object' && address ? address.port : port;
      logger.info({ port: boundPort }, 'listening');
      resolve({
        server,
        port: boundPort,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
