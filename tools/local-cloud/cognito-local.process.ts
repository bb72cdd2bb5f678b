import { spawn, type ChildProcess } from 'node:child_process';
import { CognitoStoreDamagedError } from './cognito-store-damaged.error';
import { LOCAL_HOST, portInUse } from './ports';

const READY = /Cognito Local running on/;
const START_DEADLINE_MS = 20_000;
const STOP_DEADLINE_MS = 5_000;
const TAIL_LINES = 40;

/**
 * cognito-local as a child process (it has no in-process API worth depending on, and it keeps
 * its store relative to its working directory). The child is started through a tiny wrapper
 * that exits when its stdin closes, so it never outlives the process that started it, even
 * when that one is killed with SIGKILL.
 */
export class CognitoLocalProcess {
  /** Settles when the child exits, with its exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  private stopping = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly tail: string[],
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
  }

  get endpoint(): string {
    return `http://${LOCAL_HOST}:${this.port}`;
  }

  /** Whether an exit now would be unexpected (nobody asked it to stop). */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** The last lines cognito-local printed, for error messages. */
  output(): string {
    return this.tail.join('\n');
  }

  /**
   * Starts cognito-local in `workDir` on 127.0.0.1:`port` and resolves once it listens.
   * Rejects with {@link CognitoStoreDamagedError} or a PortInUseError when it exits early.
   */
  static async start(workDir: string, port: number): Promise<CognitoLocalProcess> {
    const entry = require.resolve('cognito-local/lib/bin/start.js');
    const wrapper = [
      "process.stdin.on('end', () => process.exit(0));",
      "process.stdin.on('error', () => process.exit(0));",
      'process.stdin.resume();',
      `require(${JSON.stringify(entry)});`,
    ].join('');
    const child = spawn(process.execPath, ['-e', wrapper], {
      cwd: workDir,
      // Its own process group: a Ctrl-C in the terminal reaches only our process, which then
      // stops cognito-local itself (otherwise its exit would race ours and look unexpected).
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        HOST: LOCAL_HOST,
        PORT: String(port),
        AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1',
        NO_COLOR: '1',
      },
    });
    const tail: string[] = [];
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cognito-local did not start within ${START_DEADLINE_MS} ms`)), START_DEADLINE_MS);
      const collect = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split(/\r?\n/)) {
          if (line.trim() === '') continue;
          tail.push(stripAnsi(line));
          if (tail.length > TAIL_LINES) tail.shift();
          if (READY.test(line)) {
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
        reject(earlyExitError(code, port, tail));
      });
    });
    const process_ = new CognitoLocalProcess(child, port, tail);
    try {
      await ready;
    } catch (error) {
      await process_.stop();
      throw error;
    }
    return process_;
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

function earlyExitError(code: number | null, port: number, tail: string[]): Error {
  const output = tail.join('\n');
  if (/Failed to load StormDB database file/.test(output)) {
    return new CognitoStoreDamagedError('cognito-local could not load its store (Failed to load StormDB database file)');
  }
  if (/EADDRINUSE/.test(output)) return portInUse(port, 'cognito');
  return new Error(`cognito-local exited with code ${code} before it was ready:\n${output}`);
}

function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
