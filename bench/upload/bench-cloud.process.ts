import { join } from 'node:path';
import type { LocalCloudOutputs } from '../../tools/local-cloud/local-cloud.outputs';
import { StandInProcess } from '../shared/stand-in.process';
import type { BenchCloudReady } from './bench-cloud.messages';

/** The benchmark's local cloud (bench-cloud.main.ts), running in a child process. */
export class BenchCloudProcess {
  private constructor(private readonly process: StandInProcess<BenchCloudReady>) {}

  /**
   * Starts the local cloud with these streams (4 shards each) and waits until it is seeded;
   * with `awsProfile`, behind the AWS profile's proxies (seeded by `seed` when given).
   */
  static async start(
    streams: readonly string[],
    env: NodeJS.ProcessEnv,
    logFile: string,
    awsProfile?: { seed?: number },
  ): Promise<BenchCloudProcess> {
    const profileEnv = awsProfile ? { BENCH_CLOUD_PROFILE: 'aws', ...(awsProfile.seed !== undefined ? { BENCH_CLOUD_SEED: String(awsProfile.seed) } : {}) } : {};
    return new BenchCloudProcess(
      await StandInProcess.start<BenchCloudReady>({
        script: join(__dirname, 'bench-cloud.main.ts'),
        args: streams,
        env: { ...env, ...profileEnv },
        logFile,
        dataDirPrefix: 'bench-upload-cloud-',
        name: 'the local cloud',
        startTimeoutMs: 60_000,
      }),
    );
  }

  /** The process id, for CPU accounting. */
  get pid(): number {
    return this.process.pid;
  }

  get outputs(): LocalCloudOutputs {
    return this.process.ready.outputs;
  }

  get accessToken(): string {
    return this.process.ready.accessToken;
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
