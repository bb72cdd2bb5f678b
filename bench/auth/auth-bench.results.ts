import type { BenchVariant } from './bench-server.messages';
import type { LatencySummary } from './latency.stats';

/** `repeated`: one valid token for every request; `fresh`: a different valid token per request. */
export type Workload = 'repeated' | 'fresh';

/** One timed round of one server under one workload. */
export interface RoundMeasurement {
  requestsPerSecond: number;
  serverCpuMicrosPerRequest: number;
}

/** One server under one workload: medians over the rounds, latencies of all rounds pooled. */
export interface VariantMeasurement {
  variant: BenchVariant;
  workload: Workload;
  /** Timed requests, all rounds. */
  requests: number;
  requestsPerSecond: number;
  /** Wall time per request at saturation: 1e6 / requestsPerSecond. */
  microsPerRequest: number;
  /** Fastest and slowest round, µs per request: how noisy the machine was. */
  microsPerRequestRange: [number, number];
  /** The server process's CPU time (user + system) per request, logging and GC included. */
  serverCpuMicrosPerRequest: number;
  latencyMicros: LatencySummary;
  rounds: RoundMeasurement[];
}

/** What the guard adds on top of the framework: guarded − floor, same workload. */
export interface AuthCost {
  variant: Exclude<BenchVariant, 'floor'>;
  workload: Workload;
  microsPerRequest: number;
  serverCpuMicrosPerRequest: number;
  meanLatencyMicros: number;
}

/** Everything `bench/results/auth.json` holds. */
export interface AuthBenchResults {
  date: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string };
  node: string;
  settings: { requests: number; warmup: number; concurrency: number; rounds: number; nodeEnv: string };
  /** JWKS downloads while timed (should be 0: both guards keep the key). */
  jwksFetchesWhileTimed: number;
  /** The machine's 1-minute load average around the timed part (other work skews results). */
  loadAverage1m: { before: number; after: number };
  measurements: VariantMeasurement[];
  authCost: AuthCost[];
}
