import { join } from 'node:path';
import type { LocalCloudProfile } from '../../tools/local-cloud/local-cloud.options';
import { localAppEnvironment } from '../../tools/local-cloud/local-app.environment';
import { SINGLE_USER_LOAD } from '../../test-kit/single-user-load';
import { buildBaseline } from './baseline.build';
import type { BenchCloudProcess, BenchStream } from './bench-cloud.process';
import { REPO_ROOT } from './bench-settings';
import { freePort } from '../../tools/local-cloud/ports';
import type { BenchServer, ServerKind } from './upload-bench.results';
import { UploadServerProcess } from './upload-server.process';

/** Where `nest build api` puts the api's entry point (the file a container runs). */
export const API_ENTRY = join(REPO_ROOT, 'dist', 'apps', 'api', 'apps', 'api', 'src', 'main.js');
export const BASELINE_SOURCE = join(__dirname, 'baseline-server.main.ts');

/**
 * The servers of `npm run bench:upload`, one process each, each with its own stream (so each
 * stream can be audited against that server's receipts): the api and the baseline on the
 * stand-ins as they are (loopback) and behind the AWS profile's proxies (AWS latencies and
 * Kinesis' shard limits), plus the api without its production flag on loopback.
 */
export const BENCH_SERVERS: readonly BenchServer[] = [
  { name: 'ours', kind: 'ours', profile: 'loopback', stream: 'bench-uploads-ours' },
  { name: 'ours-default-heap', kind: 'ours-default-heap', profile: 'loopback', stream: 'bench-uploads-ours-default-heap' },
  { name: 'baseline', kind: 'baseline', profile: 'loopback', stream: 'bench-uploads-baseline' },
  { name: 'ours@aws', kind: 'ours', profile: 'aws', stream: 'bench-uploads-ours-aws' },
  { name: 'baseline@aws', kind: 'baseline', profile: 'aws', stream: 'bench-uploads-baseline-aws' },
];

/**
 * `--ab NAME=A,B`: the api alone, with the variable at A and at B, on loopback and at the AWS
 * profile (four servers), to measure one change of the api with everything else equal.
 */
export function abServers(variable: string, values: readonly [string, string]): BenchServer[] {
  return (['loopback', 'aws'] as const).flatMap((profile) =>
    values.map((value) => ({
      name: `ours${profile === 'aws' ? '@aws' : ''}[${variable}=${value}]`,
      kind: 'ours' as const,
      profile,
      stream: `bench-ab-${profile}-${value.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
      env: { [variable]: value },
    })),
  );
}

/** The streams a set of servers needs, with their shard counts. */
export function streamsOf(servers: readonly BenchServer[]): BenchStream[] {
  return servers.map((server) => ({ name: server.stream, shards: server.shards ?? 4 }));
}

/**
 * The api's production flag (README, Large files): a 2 MiB young generation, which keeps a
 * large upload's memory low. `ours-default-heap` runs the same build without it, so the run
 * shows what the flag costs in CPU per upload.
 */
export const API_PRODUCTION_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/** Everything the children inherit: this environment without tsx's hooks (the servers run plain JS). */
export function baseEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete env.NODE_OPTIONS;
  return env;
}

/** What every benchmarked server runs with: production settings against this local cloud, at this profile. */
function serverEnvironment(cloud: BenchCloudProcess, profile: LocalCloudProfile): NodeJS.ProcessEnv {
  return { ...baseEnvironment(), ...localAppEnvironment(cloud.outputsFor(profile)), NODE_ENV: 'production' };
}

/**
 * The api's environment under the upload load. Production logging (JSON request lines,
 * metrics) stays on. The per-user limits do not: the load comes from one user at many times
 * 100 requests/s and 8 uploads at once, and a 429 is no upload.
 */
export function apiEnvironment(cloud: BenchCloudProcess, profile: LocalCloudProfile = 'loopback'): NodeJS.ProcessEnv {
  return { ...serverEnvironment(cloud, profile), ...SINGLE_USER_LOAD };
}

/**
 * Starts the servers on free ports (production settings, each with its own stream, at its
 * profile) and waits until each is ready.
 */
export async function startServers(
  cloud: BenchCloudProcess,
  servers: readonly BenchServer[],
  logDir: string,
  profile: boolean,
): Promise<Record<string, UploadServerProcess>> {
  const profiling = profile ? ['--cpu-prof', `--cpu-prof-dir=${logDir}`] : [];
  const started: Record<string, UploadServerProcess> = {};
  try {
    for (const server of servers) {
      const port = await freePort();
      started[server.name] = await UploadServerProcess.start({
        ...launchOf(server.kind, profiling),
        env: {
          ...(server.kind === 'baseline' ? serverEnvironment(cloud, server.profile) : apiEnvironment(cloud, server.profile)),
          ...server.env,
          PORT: String(port),
          KINESIS_STREAM_NAME: server.stream,
        },
        port,
        logFile: join(logDir, `${server.name}.log`),
      });
    }
  } catch (error) {
    await Promise.all(Object.values(started).map((server) => server.stop()));
    throw error;
  }
  return started;
}

function launchOf(kind: ServerKind, profiling: string[]): { entry: string; execArgv: string[]; readinessPath: string } {
  switch (kind) {
    case 'ours':
      return { entry: API_ENTRY, execArgv: [...API_PRODUCTION_FLAGS, ...profiling], readinessPath: '/health/ready' };
    case 'ours-default-heap':
      return { entry: API_ENTRY, execArgv: profiling, readinessPath: '/health/ready' };
    case 'baseline':
      return { entry: buildBaseline(BASELINE_SOURCE), execArgv: profiling, readinessPath: '/health' };
  }
}
