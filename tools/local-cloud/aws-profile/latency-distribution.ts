import { standardNormal, type RandomSource } from './seeded-random';

/** A latency given the way services publish it: a median and a tail percentile. */
export interface LatencyQuantiles {
  p50Ms: number;
  p99Ms: number;
}

/** z of the 99th percentile of the standard normal distribution. */
const Z99 = 2.326347874;

/**
 * A draw never exceeds this many times the p99: a log-normal's far tail is unbounded, and a
 * single 40 s delay would trip SDK timeouts instead of showing a slow call.
 */
export const TAIL_CAP_OVER_P99 = 5;

/**
 * A log-normal distribution fitted to two quantiles: the median fixes μ = ln p50, the p99
 * fixes σ = (ln p99 − ln p50) / z₀.₉₉. Service latencies are right-skewed and positive, which
 * is what a log-normal is; two published numbers are all it needs.
 */
export class LatencyDistribution {
  readonly mu: number;
  readonly sigma: number;

  constructor(readonly quantiles: LatencyQuantiles) {
    const { p50Ms, p99Ms } = quantiles;
    if (!(p50Ms > 0) || !(p99Ms >= p50Ms)) {
      throw new RangeError(`a latency needs 0 < p50 ≤ p99, got p50 ${p50Ms} ms, p99 ${p99Ms} ms`);
    }
    this.mu = Math.log(p50Ms);
    this.sigma = (Math.log(p99Ms) - Math.log(p50Ms)) / Z99;
  }

  /** One delay in milliseconds, from `random` (two draws per call). */
  sample(random: RandomSource): number {
    const value = Math.exp(this.mu + this.sigma * standardNormal(random));
    return Math.min(value, this.quantiles.p99Ms * TAIL_CAP_OVER_P99);
  }

  /**
   * The mean of the fitted distribution, exp(μ + σ²/2) (the cap on draws lowers it by far less
   * than a percent): what a caller waiting for every call waits on average, which bounds what
   * a fixed number of clients can get through (Little's law).
   */
  meanMs(): number {
    return Math.exp(this.mu + (this.sigma * this.sigma) / 2);
  }

  /** The q-quantile (0 < q < 1) of the fitted distribution, for tests and the docs. */
  quantile(q: number): number {
    return Math.exp(this.mu + this.sigma * inverseStandardNormal(q));
  }
}

/** Milliseconds to move `bytes` at `bytesPerSecond` (the bandwidth term of a delay). */
export function transferMs(bytes: number, bytesPerSecond: number): number {
  return bytesPerSecond > 0 && bytes > 0 ? (bytes / bytesPerSecond) * 1000 : 0;
}

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation, relative error below
 * 1.2e-9): enough for quantiles in tests and tables.
 */
export function inverseStandardNormal(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a quantile needs 0 < q < 1, got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}
