import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { request } from 'node:http';
import { stopChild } from './child-exit';

const START_TIMEOUT_MS = 60_000;
const POLL_INTERVAL_MS = 100;

/** How to run one of the benchmarked servers. */
export interface UploadServerSpec {
  /** Node flags before the entry point (e.g. a TypeScript hook); none for built code. */
  execArgv: string[];
  entry: string;
  /** The whole environment of the server (PORT included). */
  env: NodeJS.ProcessEnv;
  port: number;
  /** A GET path that answers 200 once the server can take uploads. */
  readinessPath: string;
  /** Where the server's stdout/stderr (its normal logging) go. */
  logFile: string;
}

/**
 * A server under test in a process of its own (one core, its own heap), started with node
 * directly so that `pid` is the server itself: /proc/<pid> then shows its memory and CPU.
 */
export class UploadServerProcess {
  /** How the process ended, once it has: a server that dies mid-run must say how. */
  private exit: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly logFile: string,
  ) {
    child.once('exit', (code, signal) => {
      this.exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
    });
  }

  /** Waits up to `ms` for the process to end (an error may reach us before its exit event). */
  async settle(ms: number): Promise<void> {
    if (this.exit !== undefined || this.child.pid === undefined) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Throws if the server is no longer running (with how it ended). */
  assertRunning(name: string): void {
    if (this.exit !== undefined) throw new Error(`the ${name} server ${this.exit} (log: ${this.logFile})`);
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(spec: UploadServerSpec): Promise<UploadServerProcess> {
    const log = openSync(spec.logFile, 'a');
    const child = spawn(process.execPath, [...spec.execArgv, spec.entry], { env: spec.env, stdio: ['ignore', log, log] });
    closeSync(log);
    const server = new UploadServerProcess(child, spec.port, spec.logFile);
    try {
      await server.waitUntilReady(spec.readinessPath);
      return server;
    } catch (error) {
      await server.stop();
      throw new Error(`${spec.entry} did not start (log: ${spec.logFile}): ${(error as Error).message}`);
    }
  }

  /** Polls the readiness path until it answers 200, the process exits, or the deadline passes. */
  private async waitUntilReady(path: string): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`exited with ${this.child.exitCode}`);
      const status = await getStatus(this.port, path).catch((error: Error) => error.message);
      if (status === 200) return;
      last = String(status);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    throw new Error(`GET ${path} not 200 within ${START_TIMEOUT_MS} ms (last: ${last})`);
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 'sigterm');
  }
}

function getStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
