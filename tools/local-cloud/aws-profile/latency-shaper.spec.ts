import { AWS_PROFILE_DEFAULTS } from './aws-profile.settings';
import { LatencyShaper } from './latency-shaper';

describe('LatencyShaper', () => {
  const shape = AWS_PROFILE_DEFAULTS.s3;
  const delays = (seed: number, operations: string[]) => {
    const shaper = new LatencyShaper(shape, seed);
    return operations.map((operation) => shaper.latencyMs(operation));
  };
  const order = ['PutObject', 'GetObject', 'PutObject', 'HeadObject', 'Mystery'];

  it('gives the same delays for the same seed and the same order of calls', () => {
    expect(delays(42, order)).toEqual(delays(42, order));
    expect(delays(42, order)).not.toEqual(delays(43, order));
  });

  it("draws each operation's delay from its own distribution (the fallback for unknown ones)", () => {
    const shaper = new LatencyShaper({ ...shape, operations: { Fast: { p50Ms: 1, p99Ms: 1 } }, fallback: { p50Ms: 50, p99Ms: 50 } }, 1);
    expect(shaper.latencyMs('Fast')).toBeCloseTo(1, 9);
    expect(shaper.latencyMs('Other')).toBeCloseTo(50, 9);
  });

  it('adds the bandwidth term', () => {
    const shaper = new LatencyShaper({ ...shape, bytesPerSecond: 1_000_000 }, 1);
    expect(shaper.transferMs(250_000)).toBe(250);
  });
});
