import { join } from 'node:path';
import { StandInProcess } from './stand-in.process';

/** What the profile's child reports: the proxies' endpoints, to give the apps instead of the stand-ins'. */
export interface AwsProfileReady {
  endpoints: { kinesis: string; s3: string; dynamodb: string };
  seed: number;
}

/**
 * The local cloud's AWS profile (tools/local-cloud/aws-profile: AWS-like latency, Kinesis'
 * shard limits) in front of a benchmark's stand-ins, in a process of its own, so that one run
 * can measure the same code at loopback and at AWS's latencies side by side.
 */
export class AwsProfileProcess {
  private constructor(private readonly process: StandInProcess<AwsProfileReady>) {}

  static async start(spec: { targets: AwsProfileReady['endpoints']; seed: number; env: NodeJS.ProcessEnv; logFile: string }): Promise<AwsProfileProcess> {
    const process = await StandInProcess.start<AwsProfileReady>({
      script: join(__dirname, 'aws-profile.main.ts'),
      args: [JSON.stringify({ targets: spec.targets, seed: spec.seed })],
      env: spec.env,
      logFile: spec.logFile,
      dataDirPrefix: 'bench-aws-profile-',
      name: 'the AWS profile',
      startTimeoutMs: 30_000,
    });
    return new AwsProfileProcess(process);
  }

  get endpoints(): AwsProfileReady['endpoints'] {
    return this.process.ready.endpoints;
  }

  get seed(): number {
    return this.process.ready.seed;
  }

  get pid(): number {
    return this.process.pid;
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
