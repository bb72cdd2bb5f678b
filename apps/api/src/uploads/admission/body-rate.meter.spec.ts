import { BodyRateMeter } from './body-rate.meter';

describe('BodyRateMeter', () => {
  // 1 KiB/s over 10 s windows, after 10 s of grace; checked once a second.
  const policy = { minBytesPerSecond: 1024, graceMs: 10_000, windowMs: 10_000 };

  /** Feeds one check per second; returns the second at which the meter said too slow, or undefined. */
  function firstTooSlow(meter: BodyRateMeter, seconds: number, bytesAt: (second: number) => number, waiting = () => true): number | undefined {
    for (let second = 1; second <= seconds; second++) {
      if (meter.isTooSlow(bytesAt(second), waiting(), 1000)) return second;
    }
    return undefined;
  }

  it('ends a body that stalls after the grace period plus one window of waiting', () => {
    expect(firstTooSlow(new BodyRateMeter(policy), 60, () => 249 * 1024)).toBe(20);
  });

  it('keeps a body arriving at the minimum rate, for as long as it takes', () => {
    expect(firstTooSlow(new BodyRateMeter(policy), 300, (second) => second * 1024)).toBeUndefined();
  });

  it('ends a body that slows below the rate later on, judged by the window, not by the whole average', () => {
    // 1 MiB/s for 30 s, then a byte a second: the whole average stays high, the window does not.
    const bytesAt = (second: number) => Math.min(second, 30) * 1024 * 1024 + Math.max(0, second - 30);
    const tooSlowAt = firstTooSlow(new BodyRateMeter(policy), 120, bytesAt);
    expect(tooSlowAt).toBeGreaterThan(30);
    expect(tooSlowAt).toBeLessThanOrEqual(50);
  });

  it('does not count the time the api itself held the body back', () => {
    // Nothing arrives for 60 s, but the reader was busy the whole time (S3 taking a part).
    expect(firstTooSlow(new BodyRateMeter(policy), 60, () => 0, () => false)).toBeUndefined();
  });

  it('gives a slow start its grace period', () => {
    // Nothing for 9 s, then 2 KiB/s.
    expect(firstTooSlow(new BodyRateMeter(policy), 120, (second) => Math.max(0, second - 9) * 2048)).toBeUndefined();
  });
});
