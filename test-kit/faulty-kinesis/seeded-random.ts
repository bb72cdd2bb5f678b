import { randomInt } from 'node:crypto';

/** A source of numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/**
 * mulberry32: a tiny, fast PRNG with a 32-bit state. Not for secrets; here it only picks which
 * records and requests fail, so that a failing run can be replayed with the same seed.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A seed for runs that did not ask for one (reported in `stats.seed`, so the run can be replayed). */
export function freshSeed(): number {
  return randomInt(0, 2 ** 31);
}

/** Picks a key of `weights` with probability proportional to its weight (all weights ≥ 0, some > 0). */
export function pickWeighted<K extends string>(random: RandomSource, weights: Readonly<Record<K, number>>): K {
  const entries = Object.entries(weights) as [K, number][];
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let point = random() * total;
  for (const [key, weight] of entries) {
    if (point < weight) return key;
    point -= weight;
  }
  // Rounding can leave `point` a hair above the last bucket: the last positive weight wins.
  return entries.filter(([, w]) => w > 0).at(-1)![0];
}
