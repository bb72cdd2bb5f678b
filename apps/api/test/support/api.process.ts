import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(__dirname, '..', '..', '..', '..');
const START_TIMEOUT_MS = 30_000;

/** Resident memory of a process, from /proc (Linux): now, and the peak since it started. */
export interface ProcessMemory {
  rssBytes: number;
  peakRssBytes: number;
}

/**
 * The api's own entry point (`apps/api/src/main.ts`) in a child process, compiled on the fly
 * by the benchmark's swc hook, so its memory can be read apart from jest's. It listens on a
 * free port (PORT=0) and is found by the line main.ts logs.
 */
export class ApiProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly lines: string[],
  ) {}

  /**
   * @param env the api's whole environment (PORT and HOST are set here)
   * @param nodeFlags V8/Node flags for the child, as a deployment would put them in NODE_OPTIONS
   */
  static async start(env: Record<string, string>, nodeFlags: string[] = []): Promise<ApiProcess> {
    const entry = ['-r', join(ROOT, 'bench/auth/swc-register.js'), join(ROOT, 'apps/api/src/main.ts')];
    const child = spawn(process.execPath, [...nodeFlags, ...entry], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', NO_COLOR: '1', ...env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Lines, not chunks (a pipe may split a line); read to the end so the child never blocks.
    const lines: string[] = [];
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('did not log "api listening on" in time')), START_TIMEOUT_MS);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`the api did not start: ${error.message}\n${lines.slice(-40).join('\n')}`));
      };
      for (const stream of [child.stdout!, child.stderr!]) {
        createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
          lines.push(line);
          const listening = /api listening on (http:\/\/[\w.:[\]]+)/.exec(line);
          if (listening) {
            clearTimeout(timer);
            resolve(listening[1].replace('localhost', '127.0.0.1'));
          }
        });
      }
      child.once('exit', (code) => fail(new Error(`exited with ${code}`)));
    });
    return new ApiProcess(child, url, lines);
  }

  /** Every line the api printed so far (JSON log lines, unless LOG_FORMAT says otherwise). */
  logLines(): readonly string[] {
    return this.lines;
  }

  memory(): ProcessMemory {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
  }

  /**
   * SIGTERM (the api's shutdown hooks run), SIGKILL if it is still there after 10 s.
   * @returns how it ended: its exit code, or the signal that ended it (SIGKILL: it hung)
   */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) {
      return { code: this.child.exitCode, signal: this.child.signalCode };
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      this.child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const killTimer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    this.child.kill('SIGTERM');
    const how = await exited;
    clearTimeout(killTimer);
    return how;
  }
}
