import type { SourceRevision } from './source-revision';
import type { StreamAudit } from './stream-audit';

/**
 * `ours`: the api as built (dist/), with its production flag; `ours-default-heap`: the same
 * without it (Node's default young generation); `baseline`: bench/upload/baseline-server.main.ts.
 */
export type UploadVariant = 'ours' | 'ours-default-heap' | 'baseline';

export const UPLOAD_VARIANTS: readonly UploadVariant[] = ['ours', 'ours-default-heap', 'baseline'];

/** Latency of one timed run, in milliseconds (request written → response read). */
export interface LatencyMillis {
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

/** One timed run of one server (V: the names of the servers a run compares). */
export interface UploadRound<V extends string = UploadVariant> {
  variant: V;
  /** 1-based. */
  round: number;
  /** Completed responses per second of the timed window. */
  requestsPerSecond: number;
  responses: number;
  durationSeconds: number;
  latencyMs: LatencyMillis;
  /** Count per HTTP status. */
  statuses: Record<string, number>;
  /** Must be 0, like errors, timeouts and bodiesWithoutId: otherwise the round measured refusals. */
  non2xx: number;
  errors: number;
  timeouts: number;
  bodiesWithoutId: number;
  /** CPU used by the server process during the window, % of one core. */
  serverCpuPercent: number;
  /** Server CPU time per response, µs: what one upload costs the server, whatever CPU share it got. */
  serverCpuMicrosPerRequest: number;
  /** CPU used by the local cloud process (kinesalite, dynalite, s3rver) during the window, % of one core. */
  cloudCpuPercent: number;
  /** CPU used by the load generator (autocannon, this process), % of one core. */
  loadGeneratorCpuPercent: number;
  /** CPU used by the whole machine (all cores; 100 % = one core busy). */
  machineCpuPercent: number;
  /** The machine's CPU not used by the processes above: other work sharing the machine (and the idle server). */
  otherCpuPercent: number;
  /** The highest VmRSS sampled (every 100 ms) during the timed window, MiB. */
  peakRssMiB: number;
  /** VmHWM after the window: the peak since the server started (start-up, warm-ups, earlier rounds), MiB. */
  hwmMiB: number;
}

export interface UploadBenchResults {
  date: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string };
  node: string;
  /** The repository state the api was built from (undefined outside a git checkout). */
  revision?: SourceRevision;
  settings: {
    connections: number;
    durationSeconds: number;
    warmupSeconds: number;
    rounds: number;
    bodyBytes: number;
    nodeEnv: string;
  };
  servers: Record<UploadVariant, string>;
  /** The machine's 1-minute load average around the timed part. */
  loadAverage1m: { before: number; after: number };
  /** Every timed run, in the order they ran (variants alternate, first one swapping each round). */
  rounds: UploadRound[];
  /** Per variant, its median round by requests/s. */
  median: Record<UploadVariant, UploadRound>;
  comparison: {
    /** ours ÷ baseline requests/s, median rounds. */
    throughputRatio: number;
    /** ours ÷ baseline p99, median rounds. */
    p99Ratio: number;
    /** ours with Node's default young generation ÷ baseline requests/s, median rounds. */
    defaultHeapThroughputRatio: number;
  };
  streamAudit: Record<UploadVariant, StreamAudit>;
  /** Empty when the run is valid: no refusals, no errors, every receipt in the stream. */
  problems: string[];
}
