import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalCloudOutputs } from '../../tools/local-cloud/local-cloud.outputs';
import type { BenchCloudMessage } from './bench-cloud.messages';
import { DATA_DIR_VARIABLE, ScratchDir } from '../shared/scratch-dir';
import { stopChild } from './child-exit';

const START_TIMEOUT_MS = 60_000;
/** The TypeScript hook the benchmark's children load (swc, with the `@lib/*` aliases). */
export const SWC_REGISTER = join(__dirname, '..', 'auth', 'swc-register.js');

/** The benchmark's local cloud (bench-cloud.main.ts), running in a child process. */
export class BenchCloudProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly data: ScratchDir,
    readonly outputs: LocalCloudOutputs,
    readonly accessToken: string,
  ) {}

  /** The process id, for CPU accounting. */
  get pid(): number {
    return this.child.pid!;
  }

  /** Starts the local cloud with these streams (4 shards each) and waits until it is seeded. */
  static async start(streams: readonly string[], env: NodeJS.ProcessEnv, logFile: string): Promise<BenchCloudProcess> {
    const data = new ScratchDir('bench-upload-cloud-');
    const log = openSync(logFile, 'a');
    const child = fork(join(__dirname, 'bench-cloud.main.ts'), [...streams], {
      execArgv: ['-r', SWC_REGISTER],
      env: { ...env, [DATA_DIR_VARIABLE]: data.path },
      stdio: ['ignore', log, log, 'ipc'],
    });
    closeSync(log);
    try {
      const ready = await new Promise<Extract<BenchCloudMessage, { type: 'ready' }>>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
        child.on('message', (message: BenchCloudMessage) => {
          clearTimeout(timer);
          if (message.type === 'ready') resolve(message);
          else reject(new Error(message.message));
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      return new BenchCloudProcess(child, data, ready.outputs, ready.accessToken);
    } catch (error) {
      child.kill('SIGKILL');
      data.remove();
      throw new Error(`the local cloud did not start (log: ${logFile}): ${(error as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 'disconnect');
    this.data.remove();
  }
}
