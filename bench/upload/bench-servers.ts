import { join } from 'node:path';
import { localAppEnvironment } from '../../tools/local-cloud/local-app.environment';
import { buildBaseline } from './baseline.build';
import type { BenchCloudProcess } from './bench-cloud.process';
import { REPO_ROOT } from './bench-settings';
import { freePort } from './free-port';
import type { UploadVariant } from './upload-bench.results';
import { UploadServerProcess } from './upload-server.process';

/** Where `nest build api` puts the api's entry point (the file a container runs). */
export const API_ENTRY = join(REPO_ROOT, 'dist', 'apps', 'api', 'apps', 'api', 'src', 'main.js');
export const BASELINE_SOURCE = join(__dirname, 'baseline-server.main.ts');
/** One stream per server, so each stream can be audited against that server's receipts. */
export const STREAMS: Readonly<Record<UploadVariant, string>> = {
  ours: 'bench-uploads-ours',
  'ours-default-heap': 'bench-uploads-ours-default-heap',
  baseline: 'bench-uploads-baseline',
};

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

/** What every benchmarked server runs with: production settings against this local cloud. */
function serverEnvironment(cloud: BenchCloudProcess): NodeJS.ProcessEnv {
  return { ...baseEnvironment(), ...localAppEnvironment(cloud.outputs), NODE_ENV: 'production' };
}

/**
 * The api's environment under the upload load. Production logging (JSON request lines,
 * metrics) stays on. The per-user limit does not: the load comes from one user at many times
 * 100 requests/s, and a 429 is no upload.
 */
export function apiEnvironment(cloud: BenchCloudProcess): NodeJS.ProcessEnv {
  return { ...serverEnvironment(cloud), RATE_LIMIT_PER_SECOND: '0' };
}

/**
 * Starts the servers on free ports with the api's environment for this local cloud
 * (production settings, each with its own stream) and waits until each is ready.
 */
export async function startServers(
  cloud: BenchCloudProcess,
  logDir: string,
  profile: boolean,
): Promise<Record<UploadVariant, UploadServerProcess>> {
  const profiling = profile ? ['--cpu-prof', `--cpu-prof-dir=${logDir}`] : [];
  const common = serverEnvironment(cloud);
  const api = { entry: API_ENTRY, env: apiEnvironment(cloud), readinessPath: '/health/ready' };
  const specs: Record<UploadVariant, { execArgv: string[]; entry: string; env: NodeJS.ProcessEnv; readinessPath: string }> = {
    ours: { ...api, execArgv: [...API_PRODUCTION_FLAGS, ...profiling] },
    'ours-default-heap': { ...api, execArgv: profiling },
    baseline: { entry: buildBaseline(BASELINE_SOURCE), env: common, readinessPath: '/health', execArgv: profiling },
  };
  const started: Partial<Record<UploadVariant, UploadServerProcess>> = {};
  try {
    for (const [variant, spec] of Object.entries(specs) as Array<[UploadVariant, (typeof specs)[UploadVariant]]>) {
      const port = await freePort();
      started[variant] = await UploadServerProcess.start({
        ...spec,
        env: { ...spec.env, PORT: String(port), KINESIS_STREAM_NAME: STREAMS[variant] },
        port,
        logFile: join(logDir, `${variant}.log`),
      });
    }
  } catch (error) {
    await Promise.all(Object.values(started).map((server) => server.stop()));
    throw error;
  }
  return started as Record<UploadVariant, UploadServerProcess>;
}
