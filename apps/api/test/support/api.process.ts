import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
    let output = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('did not log "api listening on" in time')), START_TIMEOUT_MS);
      const fail = (error: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`the api did not start: ${error.message}\n${output.slice(-4000)}`));
      };
      const onOutput = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        const listening = /api listening on (http:\/\/[\w.:[\]]+)/.exec(output);
        if (listening) {
          clearTimeout(timer);
          resolve(listening[1].replace('localhost', '127.0.0.1'));
        }
      };
      child.stdout!.on('data', onOutput);
      child.stderr!.on('data', onOutput);
      child.once('exit', (code) => fail(new Error(`exited with ${code}`)));
    });
    // Keep draining its logs so the child never blocks on a full pipe.
    child.stdout!.resume();
    child.stderr!.resume();
    return new ApiProcess(child, url);
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
