/** Summary of a set of latencies, in microseconds. */
export interface LatencySummary {
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

/** Mean and nearest-rank percentiles (sorts a copy). */
export function summarize(latenciesMicros: Float64Array): LatencySummary {
  const sorted = Float64Array.from(latenciesMicros).sort();
  const n = sorted.length;
  if (n === 0) return { mean: 0, p50: 0, p99: 0, max: 0 };
  const rank = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  let total = 0;
  for (const value of sorted) total += value;
  return { mean: total / n, p50: rank(50), p99: rank(99), max: sorted[n - 1] };
}
