import { join } from 'node:path';
import type { LocalCloudProfile } from '../../tools/local-cloud/local-cloud.options';
import type { LocalCloudOutputs } from '../../tools/local-cloud/local-cloud.outputs';
import { StandInProcess } from '../shared/stand-in.process';
import type { BenchCloudReady } from './bench-cloud.messages';

/** A stream the bench needs: a name, or a name and its shard count (default 4). */
export type BenchStream = string | { name: string; shards: number };

/** The benchmark's local cloud (bench-cloud.main.ts), running in a child process. */
export class BenchCloudProcess {
  private constructor(private readonly process: StandInProcess<BenchCloudReady>) {}

  /**
   * Starts the local cloud with these streams and waits until it is seeded. Under the `aws`
   * profile the stand-ins stay reachable directly too: {@link outputsFor} gives either.
   */
  static async start(
    streams: readonly BenchStream[],
    env: NodeJS.ProcessEnv,
    logFile: string,
    { profile = 'loopback', seed, users = 1 }: { profile?: LocalCloudProfile; seed?: number; users?: number } = {},
  ): Promise<BenchCloudProcess> {
    const args = streams.map((stream) => (typeof stream === 'string' ? stream : `${stream.name}:${stream.shards}`));
    if (profile !== 'loopback') args.unshift('--profile', profile);
    if (seed !== undefined) args.unshift('--seed', String(seed));
    if (users > 1) args.unshift('--users', String(users));
    return new BenchCloudProcess(
      await StandInProcess.start<BenchCloudReady>({
        script: join(__dirname, 'bench-cloud.main.ts'),
        args,
        env,
        logFile,
        dataDirPrefix: 'bench-upload-cloud-',
        name: 'the local cloud',
        startTimeoutMs: 60_000,
      }),
    );
  }

  /** The process id, for CPU accounting (the stand-ins and, under the AWS profile, its proxies). */
  get pid(): number {
    return this.process.pid;
  }

  /** The outputs as the cloud wrote them: under the AWS profile, its endpoints are the proxies. */
  get outputs(): LocalCloudOutputs {
    return this.process.ready.outputs;
  }

  /**
   * The outputs a server of this profile gets: the proxies for `aws`, the stand-ins themselves
   * for `loopback` (also what audits read through, so the profile's read limits never slow them).
   */
  outputsFor(profile: LocalCloudProfile): LocalCloudOutputs {
    const { outputs } = this;
    if (profile === 'aws') {
      if (outputs.profile?.name !== 'aws') throw new Error('the local cloud was not started with the AWS profile');
      return outputs;
    }
    return outputs.profile ? { ...outputs, endpoints: { ...outputs.endpoints, ...outputs.profile.standIns } } : outputs;
  }

  get accessToken(): string {
    return this.process.ready.accessToken;
  }

  /** One access token per user the cloud was started with (`users`), the demo user's first. */
  get accessTokens(): readonly string[] {
    return this.process.ready.accessTokens;
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
