import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { stopChild } from '../upload/child-exit';
import { DATA_DIR_VARIABLE, ScratchDir } from './scratch-dir';

/** The TypeScript hook the benchmarks' children load (swc, with the `@lib/*` aliases). */
export const SWC_REGISTER = join(__dirname, '..', 'auth', 'swc-register.js');

/** What a stand-in's child sends its parent once: ready (with what it tells), or failed. */
export type StandInMessage<Ready> = ({ type: 'ready' } & Ready) | { type: 'failed'; message: string };

export interface StandInSpec {
  /** The child's TypeScript entry point. */
  script: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Its stdout and stderr go here. */
  logFile: string;
  /** Prefix of the temp folder its data lives in (see ScratchDir). */
  dataDirPrefix: string;
  /** For the error when it does not start ("s3rver", "the local cloud"). */
  name: string;
  startTimeoutMs: number;
}

/**
 * A benchmark's local AWS stand-in (s3rver, the local cloud) in a forked child process: it
 * keeps its data in a folder this parent makes and removes, reports `ready` over IPC, and
 * exits when told to stop (a disconnect).
 */
export class StandInProcess<Ready> {
  private constructor(
    private readonly child: ChildProcess,
    private readonly data: ScratchDir,
    /** What the child told when it was ready. */
    readonly ready: Ready,
  ) {}

  /** The process id, for CPU accounting. */
  get pid(): number {
    return this.child.pid!;
  }

  static async start<Ready>(spec: StandInSpec): Promise<StandInProcess<Ready>> {
    const data = new ScratchDir(spec.dataDirPrefix);
    const log = openSync(spec.logFile, 'a');
    const child = fork(spec.script, [...spec.args], {
      execArgv: ['-r', SWC_REGISTER],
      env: { ...spec.env, [DATA_DIR_VARIABLE]: data.path },
      stdio: ['ignore', log, log, 'ipc'],
    });
    closeSync(log);
    try {
      const ready = await new Promise<Ready>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready within ${spec.startTimeoutMs} ms`)), spec.startTimeoutMs);
        child.on('message', (message: StandInMessage<Ready>) => {
          clearTimeout(timer);
          if (message.type === 'ready') resolve(message);
          else reject(new Error(message.message));
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      return new StandInProcess(child, data, ready);
    } catch (error) {
      child.kill('SIGKILL');
      data.remove();
      throw new Error(`${spec.name} did not start (log: ${spec.logFile}): ${(error as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 'disconnect');
    this.data.remove();
  }
}
