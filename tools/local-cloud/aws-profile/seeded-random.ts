import { randomInt } from 'node:crypto';

/** A source of numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/**
 * mulberry32: a tiny, fast PRNG with a 32-bit state. Not for secrets: it picks delays, failing
 * records and requests, so that a run can be replayed with the same seed.
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

/** A seed for runs that did not ask for one (reported, so the run can be replayed). */
export function freshSeed(): number {
  return randomInt(0, 2 ** 31);
}

/**
 * A seed of its own for one consumer of a run's seed (FNV-1a of the label, mixed in), so that
 * the S3 proxy's draws do not depend on how many Kinesis calls happened in between.
 */
export function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (const char of label) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return hash >>> 0;
}

/** A standard normal deviate (Box–Muller; two uniform draws per call, so replays stay aligned). */
export function standardNormal(random: RandomSource): number {
  // 1 - u keeps the logarithm's argument in (0, 1].
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
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
