import type { UploadRound } from './upload-bench.results';

/** The middle value (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('no values to take a median of');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median, lowest and highest of a set of measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spreadOf(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** What variant B costs over variant A in server CPU per request, from interleaved rounds. */
export interface CpuAbSummary {
  /** Server CPU µs per request of each variant over its rounds. */
  microsPerRequest: { a: Spread; b: Spread };
  /** B ÷ A − 1 of the medians, in %. */
  medianOverheadPercent: number;
  /**
   * B ÷ A − 1 within each round, in %: the two runs of a round are next to each other in
   * time, so the machine's other load (which drifts over minutes) hits both about alike.
   */
  perRoundOverheadPercent: Spread & { values: number[] };
}

/**
 * Pairs the runs of A and B round by round and compares their server CPU per request. Both
 * views are given: the medians of each variant, and the median of the per-round ratios.
 */
export function summarizeCpuAb<V extends string>(rounds: ReadonlyArray<UploadRound<V>>, a: V, b: V): CpuAbSummary {
  const cost = (variant: V) => rounds.filter((r) => r.variant === variant).map((r) => r.serverCpuMicrosPerRequest);
  const perRound = [...new Set(rounds.map((r) => r.round))].flatMap((round) => {
    const runA = rounds.find((r) => r.round === round && r.variant === a);
    const runB = rounds.find((r) => r.round === round && r.variant === b);
    return runA && runB ? [(runB.serverCpuMicrosPerRequest / runA.serverCpuMicrosPerRequest - 1) * 100] : [];
  });
  const microsPerRequest = { a: spreadOf(cost(a)), b: spreadOf(cost(b)) };
  return {
    microsPerRequest,
    medianOverheadPercent: (microsPerRequest.b.median / microsPerRequest.a.median - 1) * 100,
    perRoundOverheadPercent: { ...spreadOf(perRound), values: perRound },
  };
}
