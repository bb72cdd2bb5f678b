/** When the service counts as saturated (see {@link ThrottleWindow}). */
export interface SheddingOptions {
  /** How far back attempts count, in ms. Default 1000: the span of Kinesis' and DynamoDB's per-second limits. */
  windowMs?: number;
  /** Throttled attempts in the window below which nothing is shed, whatever the share. Default 10. */
  minThrottled?: number;
  /** Share of the window's attempts that were throttled from which new items are shed. Default 0.5. */
  throttledShare?: number;
}

const SLOTS = 10;

/**
 * Item attempts of the last `windowMs` and how many of them the service refused for capacity
 * (throttled), in ten slots that age out one by one, so the share follows the service within a
 * tenth of the window and costs two additions per call.
 */
export class ThrottleWindow {
  private readonly windowMs: number;
  private readonly minThrottled: number;
  private readonly throttledShare: number;
  private readonly attempts = new Array<number>(SLOTS).fill(0);
  private readonly throttled = new Array<number>(SLOTS).fill(0);
  /** The slot time (`now / slotMs`, floored) of the slot written last. */
  private current = 0;

  constructor(
    options: SheddingOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.windowMs = options.windowMs ?? 1_000;
    this.minThrottled = options.minThrottled ?? 10;
    this.throttledShare = options.throttledShare ?? 0.5;
    if (!(this.windowMs >= SLOTS) || !(this.minThrottled >= 1) || !(this.throttledShare > 0 && this.throttledShare <= 1)) {
      throw new RangeError(`shedding needs windowMs ≥ ${SLOTS}, minThrottled ≥ 1 and 0 < throttledShare ≤ 1`);
    }
  }

  /** One call's answer: how many items it carried and how many of them were throttled. */
  record(attempts: number, throttled: number): void {
    const slot = this.advance();
    this.attempts[slot] += attempts;
    this.throttled[slot] += throttled;
  }

  /** Whether the service refused enough of the window's attempts for capacity to count as saturated. */
  get saturated(): boolean {
    this.advance();
    const throttled = sum(this.throttled);
    return throttled >= this.minThrottled && throttled >= this.throttledShare * sum(this.attempts);
  }

  /** Clears the slots that aged out since the last call and returns the index of the present one. */
  private advance(): number {
    const now = Math.floor(this.now() / (this.windowMs / SLOTS));
    for (let t = Math.max(this.current + 1, now - SLOTS + 1); t <= now; t++) {
      this.attempts[t % SLOTS] = 0;
      this.throttled[t % SLOTS] = 0;
    }
    this.current = Math.max(this.current, now);
    return now % SLOTS;
  }
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
