import { join } from 'node:path';
import { StandInProcess } from '../shared/stand-in.process';
import type { S3ServerReady } from './s3-server.messages';

/** s3rver alone in a child process (s3-server.main.ts): the S3 every drain and the ceiling use. */
export class S3ServerProcess {
  private constructor(private readonly process: StandInProcess<S3ServerReady>) {}

  /** Starts s3rver with these buckets on a free port and waits until it listens. */
  static async start(buckets: readonly string[], env: NodeJS.ProcessEnv, logFile: string): Promise<S3ServerProcess> {
    return new S3ServerProcess(
      await StandInProcess.start<S3ServerReady>({
        script: join(__dirname, 's3-server.main.ts'),
        args: buckets,
        env,
        logFile,
        dataDirPrefix: 'bench-worker-s3-',
        name: 's3rver',
        startTimeoutMs: 30_000,
      }),
    );
  }

  /** The process id, for CPU accounting. */
  get pid(): number {
    return this.process.pid;
  }

  get endpoint(): string {
    return this.process.ready.endpoint;
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
