// `npm run test:dockerfile`: the Dockerfile checked without a Docker engine. Lints it
// (dockerfile-utils), checks what a reviewer requires (multi-stage, the pinned Node, npm ci, build,
// prune, non-root user, HEALTHCHECK, the commands the ECS stack runs), then executes its own
// RUN and COPY steps in a clean copy of the build context (.dockerignore applied as CDK
// stages it), starts the final stage's CMD (the api) and the worker's command against a
// local cloud, probes their health and the image's HEALTHCHECK, and stops them with SIGTERM.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localAppEnvironment } from '../../tools/local-cloud/local-app.environment';
import { startLocalCloud } from '../../tools/local-cloud/local-cloud';
import { WORKER_COMMAND } from '../lib/container-commands';
import { REPO_ROOT } from '../lib/repo-artifacts';
import { AppProcess, runToExit, waitForHttpOk } from './dockerfile/app-process';
import { copyBuildContext } from './dockerfile/build-context';
import { lintDockerfile } from './dockerfile/dockerfile.lint';
import { parseDockerfile } from './dockerfile/dockerfile.parser';
import { checkImage, checkStructure, demand } from './dockerfile/dockerfile.rules';
import { simulateImageBuild, type SimulatedImage } from './dockerfile/image-build.simulation';


const DOCKERFILE = join(REPO_ROOT, 'Dockerfile');
const START_DEADLINE_MS = 30_000;
const STOP_DEADLINE_MS = 15_000;

const timings: Record<string, number> = {};
function log(line: string): void {
  console.log(`[dockerfile-check] ${line}`);
}
async function timed<T>(label: string, step: () => T | Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await step();
  timings[label] = Date.now() - started;
  log(`${label}: ${(timings[label] / 1000).toFixed(1)} s`);
  return result;
}

function lint(): void {
  const problems = lintDockerfile(readFileSync(DOCKERFILE, 'utf8'));
  if (problems.length > 0) throw new Error(`the Dockerfile has lint problems:\n${problems.join('\n')}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts one app with the image's command, waits for /health and /health/ready, runs the HEALTHCHECK. */
async function startAndProbe(label: string, command: readonly string[], image: SimulatedImage, env: Record<string, string>, port: number): Promise<AppProcess> {
  const app = AppProcess.start(label, command, image.workdir, env);
  const live = await waitForHttpOk(`http://127.0.0.1:${port}/health`, app, START_DEADLINE_MS);
  const ready = await waitForHttpOk(`http://127.0.0.1:${port}/health/ready`, app, START_DEADLINE_MS);
  const status = runToExit(image.healthcheck!.command, image.workdir, env, 10_000);
  demand(status === 0, `${label}: the image's HEALTHCHECK exited with ${status} while /health answered 200`);
  log(`${label}: /health 200 after ${live} ms, /health/ready 200 after ${ready} ms more, HEALTHCHECK exit 0`);
  return app;
}

async function stopAndConfirm(app: AppProcess, image: SimulatedImage, env: Record<string, string>): Promise<void> {
  const stopped = await app.stop(STOP_DEADLINE_MS);
  demand(!stopped.killed, `${app.label} did not exit within ${STOP_DEADLINE_MS} ms of SIGTERM:\n${app.recentOutput}`);
  log(`${app.label}: exited ${stopped.ms} ms after SIGTERM (code ${stopped.code}, signal ${stopped.signal})`);
  // The probe must be able to fail, or it proves nothing.
  const status = runToExit(image.healthcheck!.command, image.workdir, env, 10_000);
  demand(status !== 0, `${app.label}: the HEALTHCHECK still exits 0 with the app stopped`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const stages = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
  // The image's steps and commands run here with the `node` and `npm` on PATH: they prove
  // something about the image only when that is the image's Node.
  const imageNode = checkStructure(stages);
  demand(process.version === `v${imageNode}`, `the image runs Node ${imageNode} but this is Node ${process.version}: put Node ${imageNode} first on PATH (tools/node/pinned-node.sh prints its folder)`);
  const pathNode = spawnSync('node', ['--version'], { encoding: 'utf8' }).stdout.trim();
  demand(pathNode === `v${imageNode}`, `the image runs Node ${imageNode} but the node on PATH is ${pathNode}`);
  log(`node ${process.version}, as in the image`);
  await timed('lint (dockerfile-utils)', lint);

  const work = mkdtempSync(join(tmpdir(), 'dockerfile-check-'));
  const apps: AppProcess[] = [];
  let cloud: Awaited<ReturnType<typeof startLocalCloud>> | undefined;
  try {
    const context = join(work, 'context');
    await timed('copy build context', () => copyBuildContext(REPO_ROOT, context));
    const image = await timed('build stages (RUN/COPY)', () => simulateImageBuild(stages, context, join(work, 'stages'), log));
    checkImage(image);

    cloud = await timed('local cloud', () => startLocalCloud({ dir: join(work, 'cloud'), ports: { kinesis: 0, s3: 0, dynamodb: 0, cognito: 0 } }));
    const home = join(work, 'home');
    mkdirSync(home);
    // A container's environment: the image's ENV plus what the task definition sets, nothing of ours.
    const base = { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: home, ...image.env, ...localAppEnvironment(cloud.outputs) };
    const apiPort = await freePort();
    const workerPort = await freePort();
    const apiEnv = { ...base, PORT: String(apiPort), HEALTHCHECK_PORT: String(apiPort) };
    const workerEnv = { ...base, WORKER_HEALTH_PORT: String(workerPort), HEALTHCHECK_PORT: String(workerPort) };

    await timed('api: start + probes', async () => apps.push(await startAndProbe('api', image.cmd!, image, apiEnv, apiPort)));
    await timed('worker: start + probes', async () => apps.push(await startAndProbe('worker', WORKER_COMMAND, image, workerEnv, workerPort)));
    await timed('stop (SIGTERM)', async () => {
      await stopAndConfirm(apps[0], image, apiEnv);
      await stopAndConfirm(apps[1], image, workerEnv);
    });
    log(`PASSED in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, `${(v / 1000).toFixed(1)} s`])))}`);
  } finally {
    for (const app of apps) await app.stop(STOP_DEADLINE_MS).catch(() => undefined);
    await cloud?.stop().catch(() => undefined);
    if (process.env.DOCKERFILE_CHECK_KEEP) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`[dockerfile-check] FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
