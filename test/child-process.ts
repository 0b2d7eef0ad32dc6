import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from './support';

/**
 * Runs a TypeScript entry file as a real child process (through tsx, with the
 * workspace "source" condition), so tests can SIGKILL or SIGTERM it.
 */
export class ChildProcessHandle {
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the process wrote to stderr (a crash's stack trace lands here). */
  stderr = '';

  private constructor(private readonly child: ChildProcess) {
    // TEST_LOG_DIR keeps each child's log in a file of its own, to read after a failed run.
    const logFile = process.env.TEST_LOG_DIR
      ? createWriteStream(join(process.env.TEST_LOG_DIR, `${child.pid}.log`))
      : undefined;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.lines.push(line);
      logFile?.write(`${line}\n`);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    // 'close', not 'exit': it comes once stdout has been read to its end, so `lines` is whole.
    this.exited = once(child, 'close').then(([code, signal]) => ({ code, signal }));
  }

  static start(entryFile: string, env: Record<string, string>): ChildProcessHandle {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', entryFile], {
      env: { ...process.env, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ChildProcessHandle(child);
  }

  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Waits for a stdout line equal to `line`; fails early, with stderr, if the process exits first. */
  async waitForLine(line: string, timeoutMs = 20_000): Promise<void> {
    let exited = false;
    void this.exited.then(() => {
      exited = true;
    });
    await waitFor(
      `"${line}" from process ${this.pid}`,
      () => {
        if (this.lines.includes(line)) return true;
        if (exited) throw new Error(`process ${this.pid} exited before printing "${line}":\n${this.stderr}`);
        return false;
      },
      timeoutMs,
    );
  }

  kill(signal: NodeJS.Signals) {
    this.child.kill(signal);
    return this.exited;
  }
}
