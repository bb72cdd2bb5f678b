import type { TimingSummary } from './cold-start.stats';

/** What was measured: our two functions in both variants, the bare baseline, and Node alone. */
export type ColdStartSubject =
  | 'api'
  | 'api-no-cache'
  | 'api-unoptimised'
  | 'worker'
  | 'worker-no-cache'
  | 'worker-unoptimised'
  | 'bare-express'
  | 'api-compile-cache'
  | 'api-cache-import-only'
  | `api-without-${string}`;

export interface ColdStartSeries {
  subject: ColdStartSubject;
  /** The bundle, relative to the repository. */
  bundle: string;
  bundleBytes: number;
  /** What its first invocation was. */
  invocation: string;
  runs: number;
  /** Medians of the function's own start-up steps, ms since its process started (api only). */
  startupMedians?: Record<string, number>;
  /** require() of the bundle. */
  importMs: TimingSummary;
  /** The first invocation (awaits the init that import started). */
  invokeMs: TimingSummary;
  /** import + first invocation: the cold start this benchmark is about. */
  coldStartMs: TimingSummary;
  /** Spawn to exit as the parent saw it (Node's start, the cold start, the exit). */
  processMs: TimingSummary;
  /** CPU time (user + system) of the process to the end of the first invocation, Node's start included. */
  cpuMs: TimingSummary;
}

export interface LambdaBenchResults {
  date: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string };
  /** The Node every bundle ran on (the pinned one), its binary, and the options it was started with (Lambda's). */
  node: string;
  nodeBinary: string;
  nodeArgs: string[];
  revision?: { commit: string; uncommittedChanges: boolean };
  runsPerSubject: number;
  /** `node -e ''`, spawn to exit: what every process pays before our code runs. */
  nodeStartMs: TimingSummary;
  /** CPU time of `node -e ''`. */
  nodeStartCpuMs: TimingSummary;
  loadAverage1m: { before: number; after: number };
  series: ColdStartSeries[];
  /** How many api uploads answered 202 and were found in the stream afterwards. */
  apiRecordsInStream: number;
  comparison: {
    /** The shipped api (with its code cache) ÷ bare baseline, cold start medians (target ≤ 3). */
    apiOverBare: number;
    /** The shipped api ÷ the api bundled without the optimisations (median; target ≤ 0.5). */
    apiOverUnoptimised: number;
    /** The same in CPU time (median), less sensitive to other work on the machine. */
    apiCpuOverUnoptimised: number;
    /** The shipped api with its cache switched off. */
    apiNoCacheOverUnoptimised: number;
    apiNoCacheOverBare: number;
    workerOverUnoptimised: number;
    workerNoCacheOverUnoptimised: number;
    /** Node's module.enableCompileCache instead of our loader. */
    apiCompileCacheOverUnoptimised: number;
    /** Our loader with a cache recorded by an import alone. */
    apiImportOnlyCacheOverUnoptimised: number;
  };
  /**
   * With `--ablation`: per optimisation, the api bundled with all the others but that one,
   * measured in the same rounds; what it saves = its cold start (median) − the api's.
   */
  ablation?: Array<{ optimisation: string; bundleBytes: number; coldStartMs: number; cpuMs: number; savesMs: number; savesCpuMs: number }>;
  problems: string[];
}
