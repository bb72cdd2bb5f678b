/** Median, p90 (nearest rank), min and max of a set of timings, in ms. */
export interface TimingSummary {
  median: number;
  p90: number;
  min: number;
  max: number;
}

export function summarizeTimings(values: readonly number[]): TimingSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { median: NaN, p90: NaN, min: NaN, max: NaN };
  const median = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  const p90 = sorted[Math.min(n - 1, Math.ceil(0.9 * n) - 1)];
  return { median, p90, min: sorted[0], max: sorted[n - 1] };
}
