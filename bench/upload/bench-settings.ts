import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { wholeNumberOption } from '../shared/bench-args';

export const REPO_ROOT = resolve(__dirname, '..', '..');

/** Closed-loop connections of a default run; a run with another number writes `upload-<N>-connections.*`. */
export const DEFAULT_CONNECTIONS = 32;

/** What one run of the upload benchmark does (command-line options, with their defaults). */
export interface UploadBenchSettings {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  rounds: number;
  /** Writes a V8 CPU profile of each server into the log folder (profiling slows them down). */
  profile: boolean;
  out: string;
  /** `--ab NAME=A,B`: only the api, with NAME=A and NAME=B, on loopback and at the AWS profile. */
  ab?: { variable: string; values: [string, string] };
  /** Seconds of the saturation phase (a 1-shard stream at the AWS profile); 0 skips it. */
  saturationSeconds: number;
  /** The AWS profile's seed; default a fresh one (reported). */
  seed?: number;
  /** Users whose tokens the requests take in turn (the demo user and `users - 1` more). */
  users: number;
}

/** `defaults` lets another bench on the same load (bench:request-context) ask for more rounds or another file name. */
export function settingsFromArgs(args: string[] = process.argv.slice(2), defaults: { rounds?: number } = {}): UploadBenchSettings {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: String(DEFAULT_CONNECTIONS) },
      rounds: { type: 'string', default: String(defaults.rounds ?? 3) },
      profile: { type: 'boolean', default: false },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results') },
      ab: { type: 'string' },
      saturation: { type: 'string', default: '10' },
      seed: { type: 'string' },
      users: { type: 'string', default: '64' },
    },
  });
  return {
    durationSeconds: wholeNumberOption(values, 'duration'),
    warmupSeconds: wholeNumberOption(values, 'warmup'),
    connections: wholeNumberOption(values, 'connections'),
    rounds: wholeNumberOption(values, 'rounds'),
    profile: values.profile ?? false,
    out: resolve(values.out!),
    ab: values.ab === undefined ? undefined : abOption(values.ab),
    saturationSeconds: wholeNumberOption(values, 'saturation', 0),
    seed: values.seed === undefined ? undefined : wholeNumberOption(values, 'seed', 0),
    users: wholeNumberOption(values, 'users'),
  };
}

function abOption(value: string): { variable: string; values: [string, string] } {
  const match = /^([A-Z][A-Z0-9_]*)=([^,]+),([^,]+)$/.exec(value);
  if (!match) throw new Error(`--ab is "${value}": expected NAME=A,B (an environment variable of the api and two values)`);
  return { variable: match[1], values: [match[2], match[3]] };
}
