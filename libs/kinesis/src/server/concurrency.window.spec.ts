import { AdaptiveWindow, FixedWindow } from './concurrency.window';

describe('FixedWindow', () => {
  it('keeps its size whatever it observes', () => {
    const window = new FixedWindow(3);
    window.observe(500);
    expect(window.size).toBe(3);
  });
});

describe('AdaptiveWindow (Little\'s law on the lowest recent handling time)', () => {
  const fed = (times: number[], options = {}) => {
    const window = new AdaptiveWindow(options);
    for (const ms of times) window.observe(ms);
    return window;
  };

  it('starts at its minimum before anything is measured', () => {
    expect(new AdaptiveWindow().size).toBe(4);
  });

  it('stays small for a dependency on loopback (1–2 ms): 1,000 records/s need only a few in flight', () => {
    expect(fed([2, 1.5, 1, 3]).size).toBe(4);
  });

  it('grows for a distant S3 (30 ms): 1,000 records/s × 30 ms × 2 headroom = 60 in flight', () => {
    expect(fed([45, 30, 38, 52]).size).toBe(60);
  });

  it('does not feed on its own congestion: queueing raises the average, not the lowest time', () => {
    const window = fed([2, 2, 2]);
    for (let i = 0; i < 100; i++) window.observe(400);
    expect(window.size).toBe(4);
  });

  it('follows a dependency that got slower, once a whole epoch of samples says so', () => {
    const window = fed([2, 2], { samples: 10 });
    for (let i = 0; i < 17; i++) window.observe(20);
    expect(window.size).toBe(4);
    window.observe(20);
    expect(window.size).toBe(40);
  });

  it('keeps within its bounds', () => {
    expect(fed([1_000]).size).toBe(64);
    expect(fed([1_000], { max: 16 }).size).toBe(16);
    expect(fed([0], { min: 2 }).size).toBe(2);
  });

  it('ignores readings that are not durations', () => {
    const window = fed([30]);
    window.observe(Number.NaN);
    window.observe(-5);
    expect(window.size).toBe(60);
  });
});
