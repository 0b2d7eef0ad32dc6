import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sleep } from './environment';

const ROOT = join(__dirname, '..', '..');

/**
 * A process of the benchmark: a service from its entry file, or a helper
 * server of the bench's own. `built` runs the compiled JavaScript, as the
 * image does (npm run build first); otherwise the TypeScript through tsx.
 */
export class BenchProcess {
  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly output: string[],
  ) {}

  static async start(
    name: string,
    entry: { service: string; built?: boolean } | { file: string },
    env: Record<string, string>,
    port: number,
  ): Promise<BenchProcess> {
    const args =
      'file' in entry
        ? ['--import', 'tsx', '--conditions=source', join(ROOT, entry.file)]
        : entry.built
          ? [builtEntry(entry.service)]
          : [
              '--import',
              'tsx',
              '--conditions=source',
              join(ROOT, 'services', entry.service, 'src', 'main.ts'),
            ];
    const child = spawn(process.execPath, args, {
      env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const started = new BenchProcess(name, port, child, output);
    await started.waitUntilReady();
    return started;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resident memory now, in MB, from the kernel's accounting of the process. */
  async rssMb(): Promise<number> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      throw new Error(`${this.name} has exited:\n${this.output.join('').slice(-3_000)}`);
    }
    const status = await readFile(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return kb / 1024;
  }

  /** CPU time used so far (user + system), in seconds, from the kernel's accounting. */
  cpuSeconds(): Promise<number> {
    return cpuSecondsOf(this.child.pid!);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await once(this.child, 'exit');
  }

  private async waitUntilReady(timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null) {
        throw new Error(`${this.name} exited during start-up:\n${this.output.join('').slice(-2_000)}`);
      }
      const ready = await fetch(`${this.url}/readyz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`${this.name} not ready after ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}

function builtEntry(service: string): string {
  const file = join(ROOT, 'services', service, 'dist', 'main.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return file;
}

/** CPU time a process has used (user + system), in seconds, from /proc/<pid>/stat; any process the user may read. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  // utime and stime, fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
