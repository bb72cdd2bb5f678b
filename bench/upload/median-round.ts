import type { UploadRound } from './upload-bench.results';

/**
 * The round with the median requests/s (the lower middle one for an even count): a whole
 * round, so its latencies and memory belong to the same run as its throughput.
 */
export function medianRound(rounds: readonly UploadRound[]): UploadRound {
  if (rounds.length === 0) throw new Error('no rounds to take a median of');
  const sorted = [...rounds].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
