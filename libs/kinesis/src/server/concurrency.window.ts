/** How many records of one shard may be in flight at once. */
export interface ConcurrencyWindow {
  /** The current limit (≥ 1). */
  readonly size: number;
  /** How long one record's handler held its slot, in ms. */
  observe(ms: number): void;
}

/** A window that does not move: `maxConcurrentRecordsPerShard` set to a number. */
export class FixedWindow implements ConcurrencyWindow {
  constructor(readonly size: number) {}
  observe(_ms: number): void {
    // Nothing to learn.
  }
}

/** The bounds of an {@link AdaptiveWindow}. */
export interface AdaptiveWindowOptions {
  /** Never fewer in flight (and the size before anything was measured). Default 4. */
  min?: number;
  /** Never more in flight. Default 64. */
  max?: number;
  /**
   * The rate the window should sustain, in records/s. Default 1,000: what one shard accepts
   * per second, so a worker can always keep up with a shard written at its limit.
   */
  targetRecordsPerSecond?: number;
  /** Samples a low-latency estimate is kept over. Default 256. */
  samples?: number;
}

/**
 * Sizes a shard's window from the handler's measured latency, by Little's law: records in
 * flight = rate × time each one takes. The time is the *lowest* recent handling time, doubled
 * for headroom: that is the dependency's own latency (30 ms to S3 on AWS, 1–2 ms on loopback)
 * without the queueing a too-large window itself causes, so the window grows for a distant
 * S3 and stays small for a near one instead of feeding on its own congestion.
 */
export class AdaptiveWindow implements ConcurrencyWindow {
  private readonly min: number;
  private readonly max: number;
  private readonly target: number;
  private readonly samples: number;
  /** The lowest time of the current epoch and of the one before (a sliding minimum, cheaply). */
  private currentMin = Number.POSITIVE_INFINITY;
  private previousMin = Number.POSITIVE_INFINITY;
  private seen = 0;
  private sized: number;

  constructor(options: AdaptiveWindowOptions = {}) {
    this.min = options.min ?? 4;
    this.max = options.max ?? 64;
    this.target = options.targetRecordsPerSecond ?? 1_000;
    this.samples = options.samples ?? 256;
    this.sized = this.min;
  }

  get size(): number {
    return this.sized;
  }

  observe(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.currentMin = Math.min(this.currentMin, ms);
    if (++this.seen >= this.samples) {
      this.previousMin = this.currentMin;
      this.currentMin = Number.POSITIVE_INFINITY;
      this.seen = 0;
    }
    const latencyMs = Math.min(this.currentMin, this.previousMin);
    const wanted = Math.ceil((this.target * 2 * latencyMs) / 1_000);
    this.sized = Math.min(this.max, Math.max(this.min, wanted));
  }
}
