import { deriveSeed, pickWeighted, seededRandom, standardNormal } from './seeded-random';

describe('seededRandom / pickWeighted', () => {
  it('repeats its sequence for a seed, and differs between seeds', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, c)).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('picks in proportion to the weights and never a zero weight', () => {
    const random = seededRandom(1);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 10_000; i++) counts[pickWeighted(random, { a: 3, b: 1, never: 0 })] += 1;
    expect(counts.never).toBe(0);
    expect(counts.a / 10_000).toBeGreaterThan(0.72);
    expect(counts.a / 10_000).toBeLessThan(0.78);
  });

  it('derives a different, stable seed per label', () => {
    expect(deriveSeed(42, 's3')).toBe(deriveSeed(42, 's3'));
    expect(deriveSeed(42, 's3')).not.toBe(deriveSeed(42, 'kinesis'));
    expect(deriveSeed(42, 's3')).not.toBe(deriveSeed(43, 's3'));
  });

  it('draws standard normal deviates (mean 0, sd 1)', () => {
    const random = seededRandom(3);
    const draws = Array.from({ length: 20_000 }, () => standardNormal(random));
    const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
    const sd = Math.sqrt(draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length);
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(sd).toBeGreaterThan(0.97);
    expect(sd).toBeLessThan(1.03);
  });
});
