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
export const STREAMS: Readonly<Record<UploadVariant, string>> = { ours: 'bench-uploads-ours', baseline: 'bench-uploads-baseline' };

/** Everything the children inherit: this environment without tsx's hooks (the servers run plain JS). */
export function baseEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  delete env.NODE_OPTIONS;
  return env;
}

/**
 * Starts both servers on free ports with the api's environment for this local cloud
 * (production settings, each with its own stream) and waits until each is ready.
 */
export async function startServers(
  cloud: BenchCloudProcess,
  logDir: string,
  profile: boolean,
): Promise<Record<UploadVariant, UploadServerProcess>> {
  const execArgv = profile ? ['--cpu-prof', `--cpu-prof-dir=${logDir}`] : [];
  const common = { ...baseEnvironment(), ...localAppEnvironment(cloud.outputs), NODE_ENV: 'production' };
  const oursPort = await freePort();
  const ours = await UploadServerProcess.start({
    // The api's production flag (README, Large files): what it costs in throughput is measured too.
    execArgv: ['--max-semi-space-size=2', ...execArgv],
    entry: API_ENTRY,
    // Production logging (JSON request lines, metrics) stays on. The per-user limit does not:
    // the load comes from one user at many times 100 requests/s, and a 429 is no upload.
    env: { ...common, PORT: String(oursPort), KINESIS_STREAM_NAME: STREAMS.ours, RATE_LIMIT_PER_SECOND: '0' },
    port: oursPort,
    readinessPath: '/health/ready',
    logFile: join(logDir, 'ours.log'),
  });
  const baselinePort = await freePort();
  const baseline = await UploadServerProcess.start({
    execArgv,
    entry: buildBaseline(BASELINE_SOURCE),
    env: { ...common, PORT: String(baselinePort), KINESIS_STREAM_NAME: STREAMS.baseline },
    port: baselinePort,
    readinessPath: '/health',
    logFile: join(logDir, 'baseline.log'),
  }).catch(async (error: unknown) => {
    await ours.stop();
    throw error;
  });
  return { ours, baseline };
}
