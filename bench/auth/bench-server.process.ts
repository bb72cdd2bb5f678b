import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchServerMessage, BenchVariant, CpuUsageRequest } from './bench-server.messages';

/** CPU time a server process has used, in microseconds. */
export interface CpuSnapshot {
  cpuMicros: number;
  rssBytes: number;
}

const START_TIMEOUT_MS = 30_000;
const REPLY_TIMEOUT_MS = 5_000;

/**
 * One benchmark server (bench-server.main.ts) in a child process of its own, so each guard
 * gets a clean heap and a core, and its CPU time can be read without the load generator's.
 */
export class BenchServerProcess {
  private constructor(
    readonly variant: BenchVariant,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  /**
   * Forks the server and waits for it to listen.
   * @param env the whole environment of the child (production settings, Cognito config)
   * @param logFile where the child's stdout/stderr (Nest's logger) go
   */
  static async start(variant: BenchVariant, env: NodeJS.ProcessEnv, logFile: string): Promise<BenchServerProcess> {
    const log = openSync(logFile, 'a');
    const child = fork(join(__dirname, 'bench-server.main.ts'), [variant], {
      execArgv: ['-r', join(__dirname, 'swc-register.js')],
      env,
      stdio: ['ignore', log, log, 'ipc'],
    });
    closeSync(log);
    try {
      const ready = await nextMessage(child, 'ready', START_TIMEOUT_MS);
      return new BenchServerProcess(variant, ready.port, child);
    } catch (error) {
      child.kill();
      throw new Error(`the ${variant} server did not start (log: ${logFile}): ${(error as Error).message}`);
    }
  }

  /** CPU time (user + system) used by the server so far. */
  async cpu(): Promise<CpuSnapshot> {
    const reply = nextMessage(this.child, 'cpu-usage', REPLY_TIMEOUT_MS);
    this.child.send({ type: 'cpu-usage' } satisfies CpuUsageRequest);
    const usage = await reply;
    return { cpuMicros: usage.userMicros + usage.systemMicros, rssBytes: usage.rssBytes };
  }

  /** Disconnects (the child closes its app and exits) and waits for the exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const killTimer = setTimeout(() => this.child.kill('SIGKILL'), REPLY_TIMEOUT_MS);
    this.child.disconnect();
    await exited;
    clearTimeout(killTimer);
  }
}

function nextMessage<T extends BenchServerMessage['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<BenchServerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: BenchServerMessage) => {
      if (message.type === 'failed') {
        cleanup();
        reject(new Error(message.message));
      } else if (message.type === type) {
        cleanup();
        resolve(message as Extract<BenchServerMessage, { type: T }>);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`exited with ${code}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${type} message within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
