import { ThrottleWindow } from './throttle-window';

describe('ThrottleWindow', () => {
  let now = 1_000_000;
  const clock = () => now;

  it('is saturated once enough attempts, and at least the given share of them, were throttled', () => {
    const window = new ThrottleWindow({ minThrottled: 10, throttledShare: 0.5 }, clock);
    window.record(9, 9);
    expect(window.saturated).toBe(false); // too few to tell
    window.record(1, 1);
    expect(window.saturated).toBe(true);
    window.record(11, 0);
    expect(window.saturated).toBe(false); // 10 of 21: under half
  });

  it('forgets attempts older than the window, a tenth of it at a time', () => {
    const window = new ThrottleWindow({ windowMs: 1_000, minThrottled: 10 }, clock);
    window.record(20, 20);
    now += 500;
    window.record(20, 0);
    expect(window.saturated).toBe(true); // 20 of 40
    now += 600; // the first slot is out of the window, the second still in
    expect(window.saturated).toBe(false);
    window.record(10, 10);
    expect(window.saturated).toBe(false); // 10 of 30
    now += 10_000; // everything aged out, however long the silence
    window.record(10, 10);
    expect(window.saturated).toBe(true);
  });

  it('refuses settings that cannot work', () => {
    expect(() => new ThrottleWindow({ throttledShare: 0 })).toThrow(RangeError);
    expect(() => new ThrottleWindow({ windowMs: 5 })).toThrow(RangeError);
  });
});
