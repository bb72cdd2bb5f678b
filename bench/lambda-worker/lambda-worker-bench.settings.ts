import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../../tools/local-cloud/local-cloud.options';
import { wholeNumberOption } from '../shared/bench-args';

/** One handler set-up: records of a shard at once (KINESIS_MAX_CONCURRENCY) × the mapping's parallelization factor. */
export interface WorkerVariant {
  /** `c16`, `c16xf2`: what the tables call it. */
  name: string;
  concurrency: number;
  parallelizationFactor: number;
}

export type CloudProfileName = 'loopback' | 'aws';

export interface LambdaWorkerBenchSettings {
  /** Records per timed drain (per variant, profile and round), across all shards. */
  records: number;
  /** Records of the untimed warm-up drain each variant and profile gets first. */
  warmupRecords: number;
  rounds: number;
  shards: number;
  variants: WorkerVariant[];
  profiles: CloudProfileName[];
  /** The AWS profile's seed: the same seed, the same delays for the same order of calls. */
  seed: number;
  /** Records per GetRecords call of the modelled mapping. */
  readLimit: number;
  skipBuild: boolean;
  out: string;
}

/** `16` or `16x2` (concurrency × parallelization factor). */
export function parseVariant(spec: string): WorkerVariant {
  const match = /^(\d+)(?:x(\d+))?$/.exec(spec.trim());
  const concurrency = Number(match?.[1]);
  const parallelizationFactor = Number(match?.[2] ?? 1);
  // Lambda's ParallelizationFactor is 1–10.
  if (!match || concurrency < 1 || parallelizationFactor < 1 || parallelizationFactor > 10) {
    throw new Error(`--variants takes CONCURRENCY[xFACTOR] (factor 1–10), got ${spec}`);
  }
  return { name: `c${concurrency}${parallelizationFactor > 1 ? `xf${parallelizationFactor}` : ''}`, concurrency, parallelizationFactor };
}

export function settingsFromArgs(args: readonly string[] = process.argv.slice(2)): LambdaWorkerBenchSettings {
  const { values } = parseArgs({
    args: [...args],
    options: {
      records: { type: 'string', default: '1000' },
      warmup: { type: 'string', default: '300' },
      rounds: { type: 'string', default: '3' },
      shards: { type: 'string', default: '1' },
      variants: { type: 'string', default: '1,4,16,32,16x2' },
      profiles: { type: 'string', default: 'loopback,aws' },
      seed: { type: 'string', default: '42' },
      'read-limit': { type: 'string', default: '500' },
      'skip-build': { type: 'boolean', default: false },
      out: { type: 'string', default: resolve(REPO_ROOT, 'bench', 'results') },
    },
  });
  const profiles = values.profiles!.split(',').map((p) => p.trim());
  for (const profile of profiles) if (profile !== 'loopback' && profile !== 'aws') throw new Error(`--profiles takes loopback and/or aws, got ${profile}`);
  return {
    records: wholeNumberOption(values, 'records'),
    warmupRecords: wholeNumberOption(values, 'warmup', 0),
    rounds: wholeNumberOption(values, 'rounds'),
    shards: wholeNumberOption(values, 'shards'),
    variants: values.variants!.split(',').map(parseVariant),
    profiles: profiles as CloudProfileName[],
    seed: wholeNumberOption(values, 'seed', 0),
    readLimit: wholeNumberOption(values, 'read-limit'),
    skipBuild: values['skip-build'] ?? false,
    out: resolve(values.out!),
  };
}
