import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** A started container command: its output, kept for the failure message. */
export class AppProcess {
  private output = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static start(label: string, command: readonly string[], cwd: string, env: Record<string, string>): AppProcess {
    const [file, ...args] = command;
    return new AppProcess(label, spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  get recentOutput(): string {
    return this.output;
  }

  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** SIGTERM, then waits for the process to exit by itself (SIGKILL after the deadline, and that is a failure). */
  async stop(deadlineMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; killed: boolean }> {
    const started = Date.now();
    if (this.hasExited) return { ...(await this.exited), ms: 0, killed: false };
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), deadlineMs)));
    const first = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (first === 'timeout') {
      this.child.kill('SIGKILL');
      return { ...(await this.exited), ms: Date.now() - started, killed: true };
    }
    return { ...first, ms: Date.now() - started, killed: false };
  }
}

/** Polls `url` until it answers 200, the process dies or the deadline passes. */
export async function waitForHttpOk(url: string, app: AppProcess, deadlineMs: number): Promise<number> {
  const started = Date.now();
  let last = 'no answer';
  while (Date.now() - started < deadlineMs) {
    if (app.hasExited) throw new Error(`${app.label} exited before ${url} answered 200:\n${app.recentOutput}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return Date.now() - started;
      last = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer 200 within ${deadlineMs} ms (last: ${last}); ${app.label} said:\n${app.recentOutput}`);
}

/** Runs a command (the image's HEALTHCHECK) to completion and returns its exit status. */
export function runToExit(command: readonly string[], cwd: string, env: Record<string, string>, timeoutMs: number): number | null {
  const [file, ...args] = command;
  return spawnSync(file, args, { cwd, env, timeout: timeoutMs, stdio: 'ignore' }).status;
}
