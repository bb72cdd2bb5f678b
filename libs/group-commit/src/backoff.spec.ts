import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles from the initial delay up to the cap (equal jitter keeps at least half)', () => {
    const lowest = new Backoff({ initialMs: 100, maxMs: 1000 }, () => 0);
    const highest = new Backoff({ initialMs: 100, maxMs: 1000 }, () => 1);
    expect([1, 2, 3, 4, 5].map((n) => lowest.delay(n))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => highest.delay(n))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('full jitter draws anywhere from zero to the capped delay', () => {
    const at = (r: number) => new Backoff({ initialMs: 100, maxMs: 1000, jitter: 'full' }, () => r);
    expect(at(0).delay(3)).toBe(0);
    expect(at(0.5).delay(3)).toBe(200);
    expect(at(1).delay(10)).toBe(1000);
  });

  it('never overflows for huge retry counts', () => {
    expect(new Backoff({ maxMs: 5000 }, () => 1).delay(10_000)).toBe(5000);
  });
});
