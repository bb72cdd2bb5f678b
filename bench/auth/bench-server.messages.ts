/** The route every benchmark server exposes (BenchController; the parent must not load decorators). */
export const BENCH_PATH = '/bench/me';

/** Which server a benchmark child runs. */
export type BenchVariant = 'ours' | 'naive' | 'floor';

/** Parent → child: report CPU time used so far. */
export interface CpuUsageRequest {
  type: 'cpu-usage';
}

/** Child → parent messages. */
export type BenchServerMessage =
  | { type: 'ready'; port: number }
  | { type: 'cpu-usage'; userMicros: number; systemMicros: number; rssBytes: number }
  | { type: 'failed'; message: string };
