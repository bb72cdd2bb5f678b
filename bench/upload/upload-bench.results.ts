import type { LocalCloudProfile } from '../../tools/local-cloud/local-cloud.options';
import type { Spread } from './cpu-ab.stats';
import type { SourceRevision } from './source-revision';
import type { StreamAudit } from './stream-audit';

/**
 * `ours`: the api as built (dist/), with its production flag; `ours-default-heap`: the same
 * without it (Node's default young generation); `baseline`: bench/upload/baseline-server.main.ts.
 */
export type ServerKind = 'ours' | 'ours-default-heap' | 'baseline';

/** One server of a run: what it is, which profile of the local cloud it talks to, its stream. */
export interface BenchServer {
  /** Unique in a run: `ours`, `ours@aws`, ... */
  name: string;
  kind: ServerKind;
  profile: LocalCloudProfile;
  stream: string;
  /** Default 4. */
  shards?: number;
  /** Variables set on top of the production environment (an A/B's switch). */
  env?: Record<string, string>;
}

/** Names of the servers of a run (rounds and medians are keyed by them). */
export type UploadVariant = string;

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

/** One kind of server at the AWS profile against itself on loopback, in the same run. */
export interface ProfileComparison {
  loopback: string;
  aws: string;
  /** aws ÷ loopback requests/s of the median rounds. */
  throughputRatio: number;
  /** aws − loopback p99 of the median rounds, ms. */
  p99DifferenceMs: number;
  /** The same, round by round (the two runs of a round are close in time, so machine noise hits both alike). */
  perRound: { throughputRatio: Spread; p99DifferenceMs: Spread };
  /**
   * What no server that answers only after its Kinesis call can beat at the AWS profile with
   * this many closed-loop connections (Little's law): each connection waits at least the
   * call's mean latency per request, CPU time not even counted.
   */
  closedLoopCeiling: { publishOperation: string; meanCallMs: number; requestsPerSecond: number; ratioToLoopback: number };
}

/** The stream's write capacity exhausted: what clients got, how fast, and whether every 202 is in the stream. */
export interface SaturationPhase {
  server: string;
  stream: string;
  shards: number;
  bodyBytes: number;
  connections: number;
  durationSeconds: number;
  /** Count per HTTP status (`error` for requests without an answer). */
  statuses: Record<string, number>;
  requestsPerSecond: number;
  acceptedPerSecond: number;
  latencyMs: { accepted?: LatencyMillis; unavailable?: LatencyMillis };
  /** 503s without a `Retry-After` header: must be 0. */
  unavailableWithoutRetryAfter: number;
  publishDeadlineMs: number;
  audit: StreamAudit;
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
    /** The AWS profile's seed (its delays replay with it). */
    awsProfileSeed?: number;
    /** Users whose access tokens the requests take in turn. */
    users: number;
  };
  /** Every server of the run, with what it runs. */
  servers: Array<BenchServer & { description: string }>;
  /** The machine's 1-minute load average around the timed part. */
  loadAverage1m: { before: number; after: number };
  /** Every timed run, in the order they ran (servers alternate, first one swapping each round). */
  rounds: UploadRound[];
  /** Per server, its median round by requests/s. */
  median: Record<UploadVariant, UploadRound>;
  /** Loopback: ours against the baseline (absent when a server is missing, as in an A/B). */
  comparison?: {
    /** ours ÷ baseline requests/s, median rounds. */
    throughputRatio: number;
    /** ours ÷ baseline p99, median rounds. */
    p99Ratio: number;
    /** ours with Node's default young generation ÷ baseline requests/s, median rounds. */
    defaultHeapThroughputRatio: number;
  };
  /** Each server at the AWS profile against the same server on loopback. */
  awsProfile: ProfileComparison[];
  /** The api on a stream whose write capacity is exhausted (absent when skipped). */
  saturation?: SaturationPhase;
  streamAudit: Record<UploadVariant, StreamAudit>;
  /** Empty when the run is valid: no refusals, no errors, every receipt in the stream. */
  problems: string[];
}
