import { createServer } from 'node:net';
import { join } from 'node:path';
import { ChildProcessHandle } from './child-process';
import { scrapeMetrics, waitFor } from './support';

/**
 * A shop service started from its real entry file as a child process, on a
 * free loopback port, returned once its /readyz answers 200.
 */
export class ServiceProcess {
  private constructor(
    readonly name: string,
    readonly port: number,
    readonly env: Record<string, string>,
    readonly handle: ChildProcessHandle,
  ) {}

  static async start(name: string, env: Record<string, string>): Promise<ServiceProcess> {
    const port = Number(env.PORT ?? (await freePort()));
    const entry = join(__dirname, '..', 'services', name, 'src', 'main.ts');
    const fullEnv = { ...env, PORT: String(port) };
    const service = new ServiceProcess(name, port, fullEnv, ChildProcessHandle.start(entry, fullEnv));
    await service.waitUntilReady();
    return service;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** A GET of `path`; /metrics with the scraper's token, as Prometheus asks. */
  get(path: string): Promise<Response> {
    if (path === '/metrics') return scrapeMetrics(this.url);
    return fetch(`${this.url}${path}`);
  }

  /** The same service again (same port and environment), e.g. after a SIGKILL. */
  restart(extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    return ServiceProcess.start(this.name, { ...this.env, ...extraEnv });
  }

  /** SIGTERM (a graceful stop) unless told otherwise; resolves when the process has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM') {
    if (this.handle.hasExited) return this.handle.exited;
    return this.handle.kill(signal);
  }

  /** Long enough for a cold start on a busy two-core machine: several stacks start at once. */
  private async waitUntilReady(timeoutMs = 60_000) {
    await waitFor(
      `${this.name} ready on port ${this.port}`,
      async () => {
        if (this.handle.hasExited) {
          const { code, signal } = await this.handle.exited;
          throw new Error(
            `${this.name} exited during start-up (code ${code}, signal ${signal}):\n${this.handle.lines.slice(-5).join('\n')}`,
          );
        }
        const response = await fetch(`${this.url}/readyz`).catch(() => undefined);
        return response?.status === 200;
      },
      timeoutMs,
    );
  }
}

/** A port nothing listens on right now (the OS picks it; a race with another process is possible but rare). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
