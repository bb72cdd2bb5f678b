import { spawn, type ChildProcess } from 'node:child_process';

const STOP_DEADLINE_MS = 5_000;
const TAIL_LINES = 40;

export interface ChildServerSpec {
  /** Its name in messages. */
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  port: number;
  /** A line of its output that says it listens. */
  ready: RegExp;
  startDeadlineMs: number;
  /** The error to report when it exits before it is ready, from its last lines of output. */
  earlyExitError: (code: number | null, output: string) => Error;
}

/**
 * A stand-in run as a child process (cognito-local, redis-server) on 127.0.0.1. The command
 * must exit when its stdin closes (each caller wraps its server so): the child then never
 * outlives the process that started it, even when that one is killed with SIGKILL.
 */
export class ChildServerProcess {
  /** Settles when the child exits, with its exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    /** Its name in messages. */
    readonly name: string,
    readonly port: number,
    private readonly tail: string[],
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
  }

  /** Whether an exit now would be unexpected (nobody asked it to stop). */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** The last lines it printed, for error messages. */
  output(): string {
    return this.tail.join('\n');
  }

  /** Starts the child and resolves once it prints its ready line; rejects (and stops it) otherwise. */
  static async start(spec: ChildServerSpec): Promise<ChildServerProcess> {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      // Its own process group: a Ctrl-C in the terminal reaches only our process, which then
      // stops the child itself (otherwise its exit would race ours and look unexpected).
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: spec.env ?? process.env,
    });
    const tail: string[] = [];
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${spec.name} did not start within ${spec.startDeadlineMs} ms`)), spec.startDeadlineMs);
      const collect = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split(/\r?\n/)) {
          if (line.trim() === '') continue;
          tail.push(stripAnsi(line));
          if (tail.length > TAIL_LINES) tail.shift();
          if (spec.ready.test(line)) {
            clearTimeout(timer);
            resolve();
          }
        }
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(spec.earlyExitError(code, tail.join('\n')));
      });
    });
    const server = new ChildServerProcess(child, spec.name, spec.port, tail);
    try {
      await ready;
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** SIGTERM, then SIGKILL if it has not exited within a few seconds. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_DEADLINE_MS);
    await this.exited;
    clearTimeout(timer);
    this.child.stdin?.destroy();
  }
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
