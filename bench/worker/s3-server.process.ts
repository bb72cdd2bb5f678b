import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { SWC_REGISTER } from '../upload/bench-cloud.process';
import { DATA_DIR_VARIABLE, ScratchDir } from '../shared/scratch-dir';
import { stopChild } from '../upload/child-exit';
import type { S3ServerMessage } from './s3-server.messages';

const START_TIMEOUT_MS = 30_000;

/** s3rver alone in a child process (s3-server.main.ts): the S3 every drain and the ceiling use. */
export class S3ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly data: ScratchDir,
    readonly endpoint: string,
  ) {}

  /** The process id, for CPU accounting. */
  get pid(): number {
    return this.child.pid!;
  }

  /** Starts s3rver with these buckets on a free port and waits until it listens. */
  static async start(buckets: readonly string[], env: NodeJS.ProcessEnv, logFile: string): Promise<S3ServerProcess> {
    const data = new ScratchDir('bench-worker-s3-');
    const log = openSync(logFile, 'a');
    const child = fork(join(__dirname, 's3-server.main.ts'), [...buckets], {
      execArgv: ['-r', SWC_REGISTER],
      env: { ...env, [DATA_DIR_VARIABLE]: data.path },
      stdio: ['ignore', log, log, 'ipc'],
    });
    closeSync(log);
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
        child.on('message', (message: S3ServerMessage) => {
          clearTimeout(timer);
          if (message.type === 'ready') resolve(message.endpoint);
          else reject(new Error(message.message));
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}`)));
      });
      return new S3ServerProcess(child, data, endpoint);
    } catch (error) {
      child.kill('SIGKILL');
      data.remove();
      throw new Error(`s3rver did not start (log: ${logFile}): ${(error as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    await stopChild(this.child, 'disconnect');
    this.data.remove();
  }
}
