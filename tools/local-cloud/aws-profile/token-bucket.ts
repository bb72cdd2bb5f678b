/** Milliseconds from some fixed origin; injectable so tests control time. */
export type Clock = () => number;

export const monotonicClock: Clock = () => performance.now();

/**
 * A token bucket: `ratePerSecond` tokens flow in, at most `capacity` are kept (the burst
 * allowance). `tryTake` admits a request while the bucket holds enough tokens; a request larger
 * than the whole capacity is admitted when the bucket is full and leaves it in debt, so a 1 MiB
 * record still passes a 1 MiB/s limit and a 10 MiB read blocks the reads after it until the
 * debt is paid (what Kinesis documents for GetRecords).
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number,
    private readonly clock: Clock = monotonicClock,
  ) {
    if (!(ratePerSecond > 0) || !(capacity > 0)) {
      throw new RangeError(`a token bucket needs a rate and a capacity above 0, got ${ratePerSecond}/s, ${capacity}`);
    }
    this.tokens = capacity;
    this.updatedAt = clock();
  }

  /** Tokens now (negative while in debt). */
  get available(): number {
    this.refill();
    return this.tokens;
  }

  /** Takes `amount` if the bucket holds it (or is full, for amounts above the capacity); false leaves it untouched. */
  tryTake(amount: number): boolean {
    if (!this.canTake(amount)) return false;
    this.tokens -= amount;
    return true;
  }

  /** Whether `tryTake(amount)` would succeed now (to take from several buckets all or nothing). */
  canTake(amount: number): boolean {
    this.refill();
    return this.tokens >= Math.min(amount, this.capacity);
  }

  /** Admits a call whose cost is known only afterwards: true while the bucket is not in debt. */
  hasCredit(): boolean {
    this.refill();
    return this.tokens > 0;
  }

  /** Takes `amount` unconditionally (the cost of an admitted call, known once it is answered). */
  charge(amount: number): void {
    this.refill();
    this.tokens -= amount;
  }

  private refill(): void {
    const now = this.clock();
    const elapsed = now - this.updatedAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.capacity, this.tokens + (elapsed / 1000) * this.ratePerSecond);
      this.updatedAt = now;
    }
  }
}
