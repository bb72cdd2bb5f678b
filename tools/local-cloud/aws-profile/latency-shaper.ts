import { LatencyDistribution, transferMs } from './latency-distribution';
import type { ServiceShape } from './aws-profile.settings';
import { seededRandom, type RandomSource } from './seeded-random';

/**
 * Draws the delays of one service's calls: a latency from the operation's distribution (two
 * draws of the service's own seeded source per call, in the order calls arrive) plus the time
 * the bodies take at the service's bandwidth. Same seed, same order of calls: same delays.
 */
export class LatencyShaper {
  private readonly distributions = new Map<string, LatencyDistribution>();
  private readonly fallback: LatencyDistribution;
  private readonly random: RandomSource;

  constructor(
    private readonly shape: ServiceShape,
    seed: number,
  ) {
    for (const [operation, quantiles] of Object.entries(shape.operations)) {
      this.distributions.set(operation, new LatencyDistribution(quantiles));
    }
    this.fallback = new LatencyDistribution(shape.fallback);
    this.random = seededRandom(seed);
  }

  /** The latency of one call of `operation` (without the bandwidth term), in ms. */
  latencyMs(operation: string): number {
    return (this.distributions.get(operation) ?? this.fallback).sample(this.random);
  }

  /** The bandwidth a body streams at (bytes per second). */
  get bytesPerSecond(): number {
    return this.shape.bytesPerSecond;
  }

  /** The bandwidth term for `bytes` crossing the network, in ms. */
  transferMs(bytes: number): number {
    return transferMs(bytes, this.shape.bytesPerSecond);
  }
}
