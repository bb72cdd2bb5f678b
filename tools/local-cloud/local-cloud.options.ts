import { isAbsolute, resolve } from 'node:path';
import type { AwsProfileOverrides } from './aws-profile/aws-profile.settings';
import { LocalCloudConfigError } from './local-cloud-config.error';

/** The stand-ins the local cloud runs (redis only where redis-server is installed). */
export type LocalService = 'kinesis' | 's3' | 'dynamodb' | 'cognito' | 'redis';

export type LocalCloudPorts = Record<LocalService, number>;

/** How each service is named in messages, which variable moves it, and its default port. */
export const LOCAL_SERVICES: Readonly<Record<LocalService, { label: string; variable: string; defaultPort: number }>> = {
  kinesis: { label: 'Kinesis', variable: 'KINESIS_PORT', defaultPort: 4567 },
  s3: { label: 'S3', variable: 'S3_PORT', defaultPort: 4568 },
  dynamodb: { label: 'DynamoDB', variable: 'DYNAMODB_PORT', defaultPort: 4569 },
  cognito: { label: 'Cognito', variable: 'COGNITO_PORT', defaultPort: 9229 },
  redis: { label: 'Redis', variable: 'REDIS_PORT', defaultPort: 4570 },
};

/** Every service on a free port: a local cloud beside others (tests, benchmarks). */
export const FREE_PORTS: Readonly<LocalCloudPorts> = { kinesis: 0, s3: 0, dynamodb: 0, cognito: 0, redis: 0 };

/**
 * How the stand-ins answer: `loopback` as they are (about a millisecond, no limits); `aws` through
 * proxies that add AWS-like latency and enforce Kinesis' per-shard limits (docs/aws-profile.md).
 */
export const LOCAL_CLOUD_PROFILES = ['loopback', 'aws'] as const;
export type LocalCloudProfile = (typeof LOCAL_CLOUD_PROFILES)[number];

/** A profile name from a flag or a variable; `source` names it in the error. */
export function parseLocalCloudProfile(value: string | undefined, source: string): LocalCloudProfile | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if ((LOCAL_CLOUD_PROFILES as readonly string[]).includes(value)) return value as LocalCloudProfile;
  throw new LocalCloudConfigError(`${source} is "${value}": expected ${LOCAL_CLOUD_PROFILES.join(' or ')}`);
}

/** A seed from a flag or a variable (an integer 0..2^32-1). */
export function parseSeed(value: string | undefined, source: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new LocalCloudConfigError(`${source} is "${value}": expected an integer seed (0-4294967295)`);
  }
  return seed;
}

/** The repository root (two levels above this folder), home of the default data dir. */
export const REPO_ROOT = resolve(__dirname, '..', '..');

export const DEFAULT_LOCAL_CLOUD_DIR = resolve(REPO_ROOT, '.local-cloud');

/** What a caller of {@link startLocalCloud} may choose; anything left out comes from the environment or the defaults. */
export interface LocalCloudOptions {
  /** Data folder; default `LOCAL_CLOUD_DIR` or `<repo>/.local-cloud`. */
  dir?: string;
  /** Ports per service; 0 picks a free port. Default: `KINESIS_PORT` etc. or 4567/4568/4569/9229/4570. */
  ports?: Partial<LocalCloudPorts>;
  /** Wipe the data folder before starting. */
  reset?: boolean;
  /** Where progress lines go (one line per call); default: nowhere. */
  log?: (line: string) => void;
  /** Default `loopback`. */
  profile?: LocalCloudProfile;
  /** The AWS profile's seed (same seed, same order of calls: same delays); default a fresh one, in the outputs. */
  seed?: number;
  /** The AWS profile's numbers where they should differ from docs/aws-profile.md (benchmarks, tests). */
  awsProfile?: AwsProfileOverrides;
}

export interface ResolvedLocalCloudOptions {
  dir: string;
  ports: LocalCloudPorts;
  reset: boolean;
  log: (line: string) => void;
  profile: LocalCloudProfile;
  seed: number | undefined;
  awsProfile: AwsProfileOverrides | undefined;
}

/** Options win over the environment, which wins over the defaults. */
export function resolveLocalCloudOptions(
  options: LocalCloudOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): ResolvedLocalCloudOptions {
  const ports = {} as LocalCloudPorts;
  for (const [service, { variable, defaultPort }] of Object.entries(LOCAL_SERVICES) as [
    LocalService,
    (typeof LOCAL_SERVICES)[LocalService],
  ][]) {
    ports[service] = options.ports?.[service] ?? parsePort(variable, env[variable]) ?? defaultPort;
  }
  return {
    dir: localCloudDir(options.dir, env),
    ports,
    reset: options.reset ?? false,
    log: options.log ?? (() => undefined),
    profile: options.profile ?? 'loopback',
    seed: options.seed,
    awsProfile: options.awsProfile,
  };
}

/** The data folder the CLI tools agree on: the option, else `LOCAL_CLOUD_DIR`, else `<repo>/.local-cloud`. */
export function localCloudDir(dir?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = dir ?? (env.LOCAL_CLOUD_DIR || undefined);
  if (chosen === undefined) return DEFAULT_LOCAL_CLOUD_DIR;
  return isAbsolute(chosen) ? chosen : resolve(chosen);
}

function parsePort(variable: string, value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LocalCloudConfigError(`${variable} is "${value}": expected a port number (0-65535)`);
  }
  return port;
}
