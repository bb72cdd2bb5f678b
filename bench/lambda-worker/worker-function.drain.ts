import { join } from 'node:path';
import { loadavg } from 'node:os';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { bundlePath } from '../../test-kit/lambda/invoke-bundle';
import { LambdaEnvironment } from '../../test-kit/lambda/lambda-environment';
import { summarizeTimings } from '../lambda/cold-start.stats';
import { readCpuSeconds, readMachineBusySeconds } from '../upload/proc-stats';
import { checkBucket } from '../worker/bucket-check';
import type { PreloadedFile } from '../worker/file-events';
import { DEPLOYED_MAPPING, drainShard, sumShardDrainStats } from '../../test-kit/lambda/event-source-mapping';
import { KinesisShardReader } from '../../test-kit/lambda/kinesis-shard.reader';
import type { DrainRun } from './lambda-worker-bench.results';
import type { CloudProfileName, WorkerVariant } from './lambda-worker-bench.settings';

/** Shard ids as kinesalite names a new stream's shards. */
const shardId = (index: number) => `shardId-${String(index).padStart(12, '0')}`;

/**
 * One variant of the worker function at one profile: its warm execution environments (shards
 * × parallelization factor, each the bundled worker in a process of its own, as Lambda runs
 * one environment per concurrent batch) writing to a bucket of its own through that profile's
 * endpoints, and the mapping's Kinesis client for the same profile.
 */
export class WorkerFunctionSubject {
  private constructor(
    readonly variant: WorkerVariant,
    readonly profile: CloudProfileName,
    readonly bucket: string,
    private readonly shards: number,
    private readonly environments: LambdaEnvironment<KinesisStreamBatchResponse>[],
    private readonly kinesis: KinesisClient,
  ) {}

  static async start(spec: {
    variant: WorkerVariant;
    profile: CloudProfileName;
    shards: number;
    bucket: string;
    /** The worker's environment for this profile (endpoints, credentials, tables), without bucket and concurrency. */
    appEnv: Record<string, string>;
    kinesis: KinesisClient;
    logDir: string;
  }): Promise<WorkerFunctionSubject> {
    const env = { ...spec.appEnv, S3_BUCKET: spec.bucket, KINESIS_MAX_CONCURRENCY: String(spec.variant.concurrency) };
    const count = spec.shards * spec.variant.parallelizationFactor;
    const environments = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        LambdaEnvironment.start<KinesisStreamBatchResponse>(bundlePath('worker'), env, join(spec.logDir, `${spec.variant.name}-${spec.profile}-${i}.log`)),
      ),
    );
    return new WorkerFunctionSubject(spec.variant, spec.profile, spec.bucket, spec.shards, environments, spec.kinesis);
  }

  get label(): string {
    return `${this.variant.name} @ ${this.profile}`;
  }

  /**
   * Drains `stream` (filled beforehand with `files`) as the event source mapping would, every
   * shard at once, and checks that every file's object is in the bucket with the right bytes.
   */
  async drain(stream: string, files: readonly PreloadedFile[], round: number, readLimit: number, cloudPid: number, checkS3: S3Client): Promise<{ run: DrainRun; problems: string[] }> {
    const factor = this.variant.parallelizationFactor;
    const invocationMs: number[] = [];
    const readers = Array.from({ length: this.shards }, (_, s) => new KinesisShardReader(this.kinesis, stream, shardId(s), readLimit));
    const pids = this.environments.map((e) => e.pid);
    const cpu = async () => ({
      fn: (await Promise.all(pids.map(readCpuSeconds))).reduce((a, b) => a + b, 0),
      cloud: await readCpuSeconds(cloudPid),
      machine: await readMachineBusySeconds(),
    });
    const before = await cpu();
    const started = performance.now();
    const perShard = await Promise.all(
      readers.map((reader, s) =>
        drainShard(stream, shardId(s), reader, async (lane, event) => {
          const { result, handlerMs } = await this.environments[s * factor + lane].invoke(event);
          invocationMs.push(handlerMs);
          return result;
        }, { ...DEPLOYED_MAPPING, parallelizationFactor: factor }),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const after = await cpu();
    const total = sumShardDrainStats(perShard);
    const problems: string[] = [];
    const where = `${this.label}, ${round < 0 ? 'warm-up' : `round ${round + 1}`}`;
    if (total.records !== files.length) problems.push(`${where}: ${total.records} of ${files.length} records handled`);
    if (total.givenUp || total.functionErrors || total.retries) {
      problems.push(`${where}: ${total.retries} retries, ${total.givenUp} records given up, ${total.functionErrors} function errors (logs: ${this.environments[0].logFile})`);
    }
    const bucket = await checkBucket(checkS3, this.bucket, files);
    if (bucket.missing || bucket.sampleMismatches) problems.push(`${where}: ${bucket.missing} objects missing, ${bucket.sampleMismatches} of ${bucket.sampled} sampled with the wrong bytes`);
    const { records, ...mapping } = total;
    return {
      run: {
        round,
        records,
        seconds,
        recordsPerSecondPerShard: records / seconds / this.shards,
        invocationMs: summarizeTimings(invocationMs),
        mapping,
        reads: { calls: readers.reduce((n, r) => n + r.calls.made, 0), throttled: readers.reduce((n, r) => n + r.calls.throttled, 0) },
        functionCpuPercent: ((after.fn - before.fn) / seconds) * 100,
        functionCpuMicrosPerRecord: ((after.fn - before.fn) * 1e6) / Math.max(records, 1),
        cloudCpuPercent: ((after.cloud - before.cloud) / seconds) * 100,
        machineBusyPercent: ((after.machine - before.machine) / seconds) * 100,
        loadAverage1m: loadavg()[0]!,
      },
      problems,
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.environments.map((e) => e.stop()));
  }
}
