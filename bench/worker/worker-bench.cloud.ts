import { join } from 'node:path';
import type { LocalCloudOutputs } from '../../tools/local-cloud/local-cloud.outputs';
import { BenchCloudProcess } from '../upload/bench-cloud.process';
import { readCpuSeconds } from '../upload/proc-stats';
import { S3ServerProcess } from './s3-server.process';

/** CPU seconds used so far by the benchmark's cloud: s3rver's process, and the total of both processes. */
export interface CloudCpuSeconds {
  s3: number;
  total: number;
}

/**
 * The worker benchmark's local cloud in two processes: s3rver alone in one (the S3 that the
 * ceiling, the naive consumer and the worker all use), kinesalite, dynalite and cognito-local
 * in the other (the shared bench cloud; its own s3rver stays idle). On one process, the
 * worker's GetRecords, status writes and lease writes took the core s3rver needs, and the
 * ceiling (measured with those stand-ins idle) was not the S3 the worker faced.
 */
export class WorkerBenchCloud {
  private constructor(
    private readonly others: BenchCloudProcess,
    private readonly s3: S3ServerProcess,
    /** The bench cloud's outputs with the S3 endpoint of the separate s3rver. */
    readonly outputs: LocalCloudOutputs,
  ) {}

  static async start(spec: { streams: readonly string[]; buckets: readonly string[]; env: NodeJS.ProcessEnv; logDir: string }): Promise<WorkerBenchCloud> {
    const others = await BenchCloudProcess.start(spec.streams, spec.env, join(spec.logDir, 'cloud.log'));
    try {
      // The apps' own bucket too: the api's and the worker's readiness checks look for it.
      const buckets = [...new Set([...spec.buckets, others.outputs.bucket])];
      const s3 = await S3ServerProcess.start(buckets, spec.env, join(spec.logDir, 's3.log'));
      const outputs = { ...others.outputs, endpoints: { ...others.outputs.endpoints, s3: s3.endpoint } };
      return new WorkerBenchCloud(others, s3, outputs);
    } catch (error) {
      await others.stop();
      throw error;
    }
  }

  get accessToken(): string {
    return this.others.accessToken;
  }

  get pids(): { s3: number; others: number } {
    return { s3: this.s3.pid, others: this.others.pid };
  }

  async cpuSeconds(): Promise<CloudCpuSeconds> {
    const [s3, others] = await Promise.all([readCpuSeconds(this.s3.pid), readCpuSeconds(this.others.pid)]);
    return { s3, total: s3 + others };
  }

  async stop(): Promise<void> {
    await Promise.all([this.s3.stop(), this.others.stop()]);
  }
}
