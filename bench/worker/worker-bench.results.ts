import type { SourceRevision } from '../upload/source-revision';
import type { BucketCheck } from './bucket-check';
import type { CloudCosts } from './cloud-costs';
import type { ProfileShare } from './cpu-profile.summary';
import type { DrainTiming } from './drain.runs';
import type { CeilingLevel } from './s3-ceiling';

export interface LatencySummaryMs {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  min: number;
}

export interface WorkerBenchResults {
  date: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string };
  node: string;
  revision?: SourceRevision;
  settings: { events: number; bodyBytes: number; shards: number; ceilingObjectsPerLevel: number; latencyRate: number; latencySeconds: number; latencyWarmupSeconds: number; workerEnv: Record<string, string> };
  drain: {
    /** Raw PutObject at each concurrency, before the consumers ran. */
    ceiling: CeilingLevel[];
    /** The best level measured again after the consumers (the local S3's pace may drift as it fills). */
    ceilingAfter: CeilingLevel;
    /** The best objects/s of all ceiling measurements: the bar ours is held to. */
    ceilingObjectsPerSecond: number;
    naive: DrainTiming & { bucket: BucketCheck };
    /** calls: the worker's calls by operation, with --count-calls. */
    ours: DrainTiming & { bucket: BucketCheck; calls?: Record<string, number>; cpuProfile?: ProfileShare[] };
    /** ours ÷ ceiling (objects/s from spawn), target ≥ 0.85. */
    oursToCeiling: number;
    /** The same from the moment the worker answered GET /health (start-up excluded). */
    oursAfterReadyToCeiling: number;
    oursToNaive: number;
    /** Status writes and GetRecords measured alone: what they cost the local cloud's core. */
    cloudCosts: CloudCosts;
    /** The same worker draining the same kind of events with the AWS profile in front of the stand-ins. */
    oursAws: DrainTiming & { bucket: BucketCheck };
    awsProfileSeed: number;
    /** oursAws ÷ ours (objects/s), target ≥ 0.9. */
    oursAwsToLoopback: number;
  };
  /** The end-to-end run again with the AWS profile in front of the stand-ins. */
  latencyAws?: WorkerBenchResults['latency'];
  latency?: {
    /** What the end time is: see the report. */
    endTime: string;
    /** The load started once the worker held every lease; this long after its /health answered. */
    leasesAfterReadyMs: number;
    sent: number;
    accepted: number;
    failures: number;
    firstFailure?: string;
    /** Uploads counted (sent after the warm-up) and how many of them the worker stored in time. */
    measured: number;
    storedInTime: number;
    achievedRatePerSecond: number;
    /** The load generator's longest event-loop stall during the load, ms (see SteadyLoadResult). */
    generatorMaxStallMs: number;
    /** 202 → object stored, ms. */
    endToEndMs: LatencySummaryMs;
    /** p50 of 202 → stored for each 5 s of the measured window, in order. */
    endToEndP50By5sMs: number[];
    /** Request sent → 202, ms (what the client waits for). */
    acceptMs: LatencySummaryMs;
    apiCpuPercent: number;
    workerCpuPercent: number;
    /** Both local cloud processes, and s3rver's alone. */
    cloudCpuPercent: number;
    s3CpuPercent: number;
  };
  problems: string[];
}
