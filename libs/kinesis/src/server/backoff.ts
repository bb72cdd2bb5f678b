/** Capped exponential backoff settings. */
export interface BackoffOptions {
  /** Delay before the first retry, in ms. Default 100. */
  initialMs?: number;
  /** The longest delay, in ms. Default 5000. */
  maxMs?: number;
}

/**
 * Capped exponential backoff with "equal jitter": half of the capped delay is fixed and half
 * random, so workers retrying the same outage spread out but never spin with a zero delay.
 */
export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;

  constructor(options: BackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.initialMs = options.initialMs ?? 100;
    this.maxMs = options.maxMs ?? 5_000;
  }

  /** The delay before retry number `retry` (1 for the first retry). */
  delay(retry: number): number {
    const exponent = Math.min(Math.max(retry - 1, 0), 30);
    const capped = Math.min(this.maxMs, this.initialMs * 2 ** exponent);
    return capped / 2 + this.random() * (capped / 2);
  }
}
