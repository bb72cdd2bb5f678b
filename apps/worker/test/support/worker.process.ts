import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..', '..', '..');
const START_TIMEOUT_MS = 60_000;

/** One `stored …` line of the FilesController: one delivery of one upload that reached S3. */
export interface StoredLine {
  worker: string;
  fileKey: string;
  size: number;
  uploadId: string;
  correlationId: string;
  shardId: string;
  sequenceNumber: string;
}

const STORED_MESSAGE = /^stored (\S+) \((\d+) bytes\)$/;

/** The worker's JSON log line for a stored file (FilesController), or undefined for any other line. */
function storedLineOf(line: string): Omit<StoredLine, 'worker'> | undefined {
  let entry: { msg?: string; uploadId?: string; correlationId?: string; shardId?: string; sequenceNumber?: string };
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined; // not a log line of pino's (a stack trace, a library's own output)
  }
  const stored = STORED_MESSAGE.exec(entry.msg ?? '');
  if (!stored) return undefined;
  const { uploadId = '-', correlationId = '-', shardId = '-', sequenceNumber = '-' } = entry;
  return { fileKey: stored[1], size: Number(stored[2]), uploadId, correlationId, shardId, sequenceNumber };
}

/** How a process ended: its exit code, or the signal that ended it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The worker's own entry point (`apps/worker/src/main.ts`) in a child process, compiled on the
 * fly by the benchmark's swc hook, so that it can be killed like a container: SIGKILL (no
 * shutdown hooks, leases left to expire) or SIGTERM (Nest's shutdown hooks close the transport).
 * Every line it prints is kept; `stored …` lines are parsed and passed to `onStored` as they come.
 */
export class WorkerProcess {
  readonly lines: string[] = [];
  /** Base URL of its health endpoints (`/health`, `/health/ready`), known once it started. */
  healthUrl = '';
  private readonly exited: Promise<ProcessExit>;
  private readonly started: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    onStored: (line: StoredLine) => void,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    let markStarted: () => void = () => undefined;
    this.started = new Promise((resolve) => (markStarted = resolve));
    // Lines, not chunks: a pipe may split a line, and a half line would be miscounted.
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        this.lines.push(line);
        const reading = /worker reading .*; health at (http:\/\/\S+)\/health/.exec(line);
        if (reading) {
          this.healthUrl = reading[1];
          markStarted();
        }
        const stored = storedLineOf(line);
        if (stored) onStored({ worker: name, ...stored });
      });
    }
  }

  /**
   * Starts a worker and resolves once it logged "worker reading" (transport started, health up).
   * @param env the worker's whole environment (WORKER_ID is set to `name`, the health port to 0)
   */
  static async start(name: string, env: Record<string, string>, onStored: (line: StoredLine) => void): Promise<WorkerProcess> {
    const entry = ['-r', join(ROOT, 'bench/auth/swc-register.js'), join(ROOT, 'apps/worker/src/main.ts')];
    const child = spawn(process.execPath, entry, {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        NO_COLOR: '1',
        ...env,
        WORKER_ID: name,
        WORKER_HEALTH_PORT: '0',
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = new WorkerProcess(name, child, onStored);
    await worker.untilStarted();
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Sends a signal; resolves how the process ended (SIGKILL after `timeoutMs` if it hangs). */
  async kill(signal: NodeJS.Signals, timeoutMs = 30_000): Promise<ProcessExit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const killTimer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(killTimer);
    }
  }

  /** How many leases it reads now, from `/health/ready` (undefined when it does not answer). */
  async heldLeases(): Promise<number | undefined> {
    try {
      const res = await fetch(`${this.healthUrl}/health/ready`);
      const body = (await res.json()) as { details?: { transport?: { leases?: number } } };
      return body.details?.transport?.leases;
    } catch {
      return undefined;
    }
  }

  /** The last lines it printed, for failure messages. */
  tail(count = 40): string {
    return this.lines.slice(-count).join('\n');
  }

  private async untilStarted(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.started,
        this.exited.then((how) => {
          throw new Error(`worker ${this.name} exited while starting (${how.code ?? how.signal})\n${this.tail()}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`worker ${this.name} did not start in ${START_TIMEOUT_MS} ms\n${this.tail()}`)), START_TIMEOUT_MS);
        }),
      ]);
    } catch (error) {
      this.child.kill('SIGKILL');
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}
