import { inverseStandardNormal, LatencyDistribution, TAIL_CAP_OVER_P99, transferMs } from './latency-distribution';
import { seededRandom } from './seeded-random';

const quantileOf = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

describe('LatencyDistribution (log-normal fitted to p50/p99)', () => {
  it('reproduces the quantiles it was fitted to', () => {
    const distribution = new LatencyDistribution({ p50Ms: 25, p99Ms: 150 });
    expect(distribution.quantile(0.5)).toBeCloseTo(25, 6);
    expect(distribution.quantile(0.99)).toBeCloseTo(150, 4);
  });

  it('draws samples whose median and p99 match, from a seed', () => {
    const distribution = new LatencyDistribution({ p50Ms: 25, p99Ms: 150 });
    const random = seededRandom(20261201);
    const samples = Array.from({ length: 40_000 }, () => distribution.sample(random)).sort((a, b) => a - b);
    expect(quantileOf(samples, 0.5)).toBeGreaterThan(24);
    expect(quantileOf(samples, 0.5)).toBeLessThan(26);
    expect(quantileOf(samples, 0.99)).toBeGreaterThan(135);
    expect(quantileOf(samples, 0.99)).toBeLessThan(165);
    expect(samples[0]).toBeGreaterThan(0);
    expect(samples.at(-1)).toBeLessThanOrEqual(150 * TAIL_CAP_OVER_P99);
    const sampleMean = samples.reduce((sum, v) => sum + v, 0) / samples.length;
    expect(Math.abs(sampleMean - distribution.meanMs()) / distribution.meanMs()).toBeLessThan(0.02);
  });

  it('gives the same delays for the same seed and other ones for another', () => {
    const distribution = new LatencyDistribution({ p50Ms: 10, p99Ms: 60 });
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 10 }, () => distribution.sample(random));
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('is a constant when p99 equals p50', () => {
    const distribution = new LatencyDistribution({ p50Ms: 5, p99Ms: 5 });
    const random = seededRandom(1);
    for (let i = 0; i < 5; i++) expect(distribution.sample(random)).toBeCloseTo(5, 9);
  });

  it('refuses quantiles that describe no latency', () => {
    expect(() => new LatencyDistribution({ p50Ms: 0, p99Ms: 10 })).toThrow(RangeError);
    expect(() => new LatencyDistribution({ p50Ms: 20, p99Ms: 10 })).toThrow(RangeError);
  });
});

describe('inverseStandardNormal / transferMs', () => {
  it('knows the usual z values', () => {
    expect(inverseStandardNormal(0.5)).toBeCloseTo(0, 8);
    expect(inverseStandardNormal(0.99)).toBeCloseTo(2.326348, 5);
    expect(inverseStandardNormal(0.01)).toBeCloseTo(-2.326348, 5);
    expect(inverseStandardNormal(0.975)).toBeCloseTo(1.959964, 5);
  });

  it('turns bytes into milliseconds at a bandwidth', () => {
    expect(transferMs(80_000_000, 80_000_000)).toBe(1000);
    expect(transferMs(1_000, 1_000_000)).toBe(1);
    expect(transferMs(0, 1_000)).toBe(0);
    expect(transferMs(1_000, 0)).toBe(0);
  });
});
