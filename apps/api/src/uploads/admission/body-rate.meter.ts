/** How fast a body must keep arriving (see {@link BodyRateMeter}). */
export interface BodyRatePolicy {
  /** Bytes per second, averaged over each window. */
  minBytesPerSecond: number;
  /** Waiting time allowed before the first window starts (a client's slow start). */
  graceMs: number;
  windowMs: number;
}

/**
 * Judges a request body's arrival rate from periodic samples. Only time spent waiting for
 * the client counts: while the api itself holds the body back (its buffer is full because S3
 * is slow to take a part), the client is not to blame, and that time is left out. After the
 * grace period the waiting time is cut into windows; a window in which fewer than
 * `minBytesPerSecond × window` bytes arrived makes the body too slow.
 *
 * A rate over windows rather than one timeout between reads: a client trickling a byte every
 * few seconds would pass a read timeout forever, and a window's average lets a real client
 * on a bad link pause without being cut off.
 */
export class BodyRateMeter {
  private waitedMs = 0;
  private windowStart: { waitedMs: number; bytes: number } | undefined;

  constructor(private readonly policy: BodyRatePolicy) {}

  /**
   * @param bytesSoFar bytes of the body received since the request started
   * @param waitingForClient whether, at this check, the reader had nothing left to read
   * @param elapsedMs time since the previous check
   * @returns true once a whole window passed below the minimum rate
   */
  isTooSlow(bytesSoFar: number, waitingForClient: boolean, elapsedMs: number): boolean {
    if (!waitingForClient) return false;
    this.waitedMs += elapsedMs;
    if (this.waitedMs < this.policy.graceMs) return false;
    if (this.windowStart === undefined) {
      this.windowStart = { waitedMs: this.waitedMs, bytes: bytesSoFar };
      return false;
    }
    const windowMs = this.waitedMs - this.windowStart.waitedMs;
    if (windowMs < this.policy.windowMs) return false;
    const bytesPerSecond = ((bytesSoFar - this.windowStart.bytes) * 1000) / windowMs;
    this.windowStart = { waitedMs: this.waitedMs, bytes: bytesSoFar };
    return bytesPerSecond < this.policy.minBytesPerSecond;
  }
}
