import type { TimingSummary } from '../lambda/cold-start.stats';
import type { SourceRevision } from '../upload/source-revision';
import type { ShardDrainStats } from '../../test-kit/lambda/event-source-mapping';
import type { CloudProfileName, WorkerVariant } from './lambda-worker-bench.settings';

/** One timed drain of one variant at one profile. */
export interface DrainRun {
  round: number;
  records: number;
  seconds: number;
  /** records ÷ seconds ÷ shards. */
  recordsPerSecondPerShard: number;
  /** Per invocation, from the handler's call to its answer, in ms. */
  invocationMs: TimingSummary;
  mapping: Omit<ShardDrainStats, 'records'>;
  reads: { calls: number; throttled: number };
  /** CPU the function's environments used, in % of one core, and per record. */
  functionCpuPercent: number;
  functionCpuMicrosPerRecord: number;
  /** CPU of the local cloud's process (stand-ins and the AWS profile's proxies), % of one core. */
  cloudCpuPercent: number;
  /** Busy time of the whole machine (all cores, other users' work included), % of one core. */
  machineBusyPercent: number;
  loadAverage1m: number;
}

export interface VariantResult {
  variant: WorkerVariant;
  profile: CloudProfileName;
  runs: DrainRun[];
  /** Median of the runs' records/s per shard. */
  medianRecordsPerSecondPerShard: number;
  medianFunctionCpuPercent: number;
  medianCloudCpuPercent: number;
  medianInvocationMs: number;
}

export interface LambdaWorkerBenchResults {
  date: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string };
  node: string;
  nodeArgs: string[];
  revision?: SourceRevision;
  settings: {
    records: number;
    warmupRecords: number;
    rounds: number;
    shards: number;
    bodyBytes: number;
    seed: number;
    readLimit: number;
    mapping: { batchSize: number; batchingWindowMs: number; retryAttempts: number };
  };
  loadAverage1m: { before: number; after: number };
  results: VariantResult[];
  /** Per variant: its AWS-profile median ÷ its loopback median. */
  awsOverLoopback: Record<string, number>;
  /** Per variant: its AWS-profile median ÷ the one-at-a-time handler's (c1) AWS-profile median. */
  overOneAtATimeAtAws: Record<string, number>;
  problems: string[];
}
