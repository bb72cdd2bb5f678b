/**
 * How the random part of a delay is drawn (see AWS's "Exponential Backoff and Jitter"):
 * - `equal`: half the capped delay is fixed, half random — a consumer retrying an outage never
 *   spins with a zero delay;
 * - `full`: anywhere between zero and the capped delay — many producers retrying the same
 *   throttled shard spread out best, which is what the publisher wants.
 */
export type BackoffJitter = 'equal' | 'full';

/** Capped exponential backoff settings. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. Default 100. */
  initialMs?: number;
  /** The longest delay, in ms. Default 5000. */
  maxMs?: number;
  /** Default `equal`. */
  jitter?: BackoffJitter;
}

/** Capped exponential backoff with jitter. */
export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly jitter: BackoffJitter;

  constructor(options: BackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.initialMs = options.initialMs ?? 100;
    this.maxMs = options.maxMs ?? 5_000;
    this.jitter = options.jitter ?? 'equal';
  }

  /** The delay before retry number `retry` (1 for the first retry). */
  delay(retry: number): number {
    const exponent = Math.min(Math.max(retry - 1, 0), 30);
    const capped = Math.min(this.maxMs, this.initialMs * 2 ** exponent);
    return this.jitter === 'full' ? this.random() * capped : capped / 2 + this.random() * (capped / 2);
  }
}
