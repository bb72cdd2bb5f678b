// `npm run bench:worker` (npm run build, then tsx bench/worker/main.ts [--events N]
// [--ceiling-objects N] [--rate R] [--duration S] [--warmup S] [--drain-only] [--out DIR]):
// on one local cloud (s3rver in a process of its own, the other stand-ins in another), side by
// side in one run:
//   1. drain N pre-loaded 1 KiB `file.uploaded` events (4-shard stream per consumer) to S3 with
//      the built worker and with a naive consumer, against the raw PutObject ceiling of the
//      same local S3 (concurrency 1, 4, 16, 64);
//   2. end-to-end latency (202 → object stored) at a steady rate through the built api and worker;
// the worker's drain and the end-to-end latency once more with the local cloud's AWS profile
// (AWS-like latencies, Kinesis' shard limits) in front of the same stand-ins, so the same code is
// measured at loopback and at AWS's latencies in one run.
// Writes <out>/worker.json and <out>/worker.md (default bench/results/).
import { commandLine, printLogTails, writeBenchResults } from '../shared/bench-run';
import type { S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { join, relative } from 'node:path';
import { createDynamoDbDocumentClient, createS3Client } from '@lib/aws';
import { localAppEnvironment } from '../../tools/local-cloud/local-app.environment';
import { createLocalAwsClients } from '../../tools/local-cloud/local-aws.clients';
import { buildBaseline } from '../upload/baseline.build';
import { API_ENTRY, baseEnvironment } from '../upload/bench-servers';
import { REPO_ROOT } from '../upload/bench-settings';
import { sourceRevision } from '../upload/source-revision';
import { checkBucket } from './bucket-check';
import { measureCloudCosts } from './cloud-costs';
import { CALL_COUNTER, CPU_PROFILER, drainNaively, drainWithWorker, NAIVE_SOURCE } from './drain.runs';
import { summarizeProfile } from './cpu-profile.summary';
import { fileUploadedRecord, type PreloadedFile } from './file-events';
import { measureLatency } from './latency.run';
import { measureCeiling, type CeilingLevel } from './s3-ceiling';
import { preloadStream } from './stream-preloader';
import type { WorkerBenchResults } from './worker-bench.results';
import { renderWorkerBenchMarkdown } from './worker-bench.report';
import { settingsFromArgs } from './worker-bench.settings';
import { WorkerBenchCloud } from './worker-bench.cloud';
import { createFileStorageS3Client } from '../../apps/worker/src/files/file-storage.s3-client';
import { AwsProfileProcess } from '../shared/aws-profile.process';

/** Where `nest build worker` puts the worker's entry point (the file a container runs). */
export const WORKER_ENTRY = join(REPO_ROOT, 'dist', 'apps', 'worker', 'apps', 'worker', 'src', 'main.js');
const STREAMS = { ours: 'bench-worker-ours', oursAws: 'bench-worker-ours-aws', naive: 'bench-worker-naive', e2e: 'bench-worker-e2e', e2eAws: 'bench-worker-e2e-aws' } as const;
const BUCKETS = { ours: 'bench-worker-ours', oursAws: 'bench-worker-ours-aws', naive: 'bench-worker-naive', ceiling: 'bench-worker-ceiling' } as const;
/** The AWS profile's seed: the same delays run after run. */
const AWS_PROFILE_SEED = 20261207;
/** At the AWS profile the worker should drain at ≥ 0.9× its loopback rate. */
const AWS_TARGET_RATIO = 0.9;
const CONCURRENCIES = [1, 4, 16, 64];
const BODY_BYTES = 1024;
const SHARDS = 4;
const TARGET_RATIO = 0.85;
const STATUS_COST_ITEMS = 5000;
/** A drain slower than 50 objects/s is broken, not slow. */
const drainTimeoutMs = (events: number) => 60_000 + events * 20;

async function main(): Promise<void> {
  const settings = settingsFromArgs();
  // The api runs only in the latency part: a drain-only run needs no api build.
  for (const entry of settings.drainOnly ? [WORKER_ENTRY] : [WORKER_ENTRY, API_ENTRY]) {
    if (!existsSync(entry)) throw new Error(`${relative(REPO_ROOT, entry)} is missing: run npm run build (npm run bench:worker builds it)`);
  }
  const { workerEntry, apiEntry } = snapshotBuilds(!settings.drainOnly);
  const naiveEntry = buildBaseline(NAIVE_SOURCE);
  const logDir = mkdtempSync(join(tmpdir(), 'bench-worker-'));
  console.log(`starting the local cloud (logs in ${logDir})…`);
  const cloud = await WorkerBenchCloud.start({ streams: Object.values(STREAMS), buckets: Object.values(BUCKETS), env: baseEnvironment(), logDir });
  const profile = await AwsProfileProcess.start({
    targets: { kinesis: cloud.outputs.endpoints.kinesis, s3: cloud.outputs.endpoints.s3, dynamodb: cloud.outputs.endpoints.dynamodb },
    seed: AWS_PROFILE_SEED,
    env: baseEnvironment(),
    logFile: join(logDir, 'aws-profile.log'),
  }).catch(async (error: unknown) => {
    await cloud.stop();
    throw error;
  });
  process.once('SIGINT', () => void Promise.all([cloud.stop(), profile.stop()]).finally(() => process.exit(130)));
  const appEnv = localAppEnvironment(cloud.outputs);
  /** The same apps' environment with the AWS profile's proxies instead of the stand-ins. */
  const awsEnv: NodeJS.ProcessEnv = {
    AWS_ENDPOINT_URL_KINESIS: profile.endpoints.kinesis,
    AWS_ENDPOINT_URL_S3: profile.endpoints.s3,
    AWS_ENDPOINT_URL_DYNAMODB: profile.endpoints.dynamodb,
  };
  // This process's own SDK clients (libs/aws factories) take credentials from the environment.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: appEnv.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: appEnv.AWS_SECRET_ACCESS_KEY, AWS_REGION: appEnv.AWS_REGION });
  const common: NodeJS.ProcessEnv = { ...baseEnvironment(), ...appEnv, NODE_ENV: 'production', HOST: '127.0.0.1' };
  const awsOptions = { region: cloud.outputs.region, endpoints: cloud.outputs.endpoints };
  const s3 = createS3Client(awsOptions);
  // The ceiling puts with the client the worker's FileStorage puts with (one bucket, so its cached middleware is sound).
  const ceilingS3 = createFileStorageS3Client(awsOptions);
  const dynamodb = createDynamoDbDocumentClient(awsOptions);
  const local = createLocalAwsClients(cloud.outputs.endpoints);
  const problems: string[] = [];
  try {
    const owner = { sub: 'bench-sub', username: cloud.outputs.demoUser.username };
    const files = {
      ours: Array.from({ length: settings.events }, () => fileUploadedRecord(BODY_BYTES, owner)),
      naive: Array.from({ length: settings.events }, () => fileUploadedRecord(BODY_BYTES, owner)),
      oursAws: Array.from({ length: settings.events }, () => fileUploadedRecord(BODY_BYTES, owner)),
    };
    console.log(`pre-loading ${settings.events} events into ${STREAMS.ours}, ${STREAMS.oursAws} and ${STREAMS.naive}…`);
    await preloadStream(local.kinesis, STREAMS.ours, files.ours);
    await preloadStream(local.kinesis, STREAMS.oursAws, files.oursAws);
    await preloadStream(local.kinesis, STREAMS.naive, files.naive);

    const ceiling: CeilingLevel[] = [];
    for (const concurrency of CONCURRENCIES) {
      const level = await measureCeiling(ceilingS3, BUCKETS.ceiling, concurrency, settings.ceilingObjects, BODY_BYTES, cloud);
      console.log(`S3 ceiling at ${concurrency} in flight: ${level.objectsPerSecond.toFixed(0)} objects/s`);
      ceiling.push(level);
    }
    const bestBefore = ceiling.reduce((best, level) => (level.objectsPerSecond > best.objectsPerSecond ? level : best));

    console.log('naive consumer draining…');
    const naiveTiming = await drainNaively({
      entry: naiveEntry,
      env: { ...common, NAIVE_STREAM: STREAMS.naive, NAIVE_BUCKET: BUCKETS.naive },
      expected: settings.events,
      cloud,
      logFile: join(logDir, 'naive.log'),
      timeoutMs: drainTimeoutMs(settings.events),
    });
    console.log(`naive: ${naiveTiming.objectsPerSecond.toFixed(0)} objects/s`);
    const naive = { ...naiveTiming, bucket: await checkBucket(s3, BUCKETS.naive, files.naive) };

    console.log('worker draining…');
    const callCountsFile = join(logDir, 'worker-drain.calls.json');
    const cpuProfileFile = join(logDir, 'worker-drain.cpuprofile');
    const oursTiming = await drainWithWorker({
      entry: workerEntry,
      execArgv: [...(settings.countCalls ? ['-r', CALL_COUNTER] : []), ...(settings.profileWorker ? ['-r', CPU_PROFILER] : [])],
      env: {
        ...common,
        KINESIS_STREAM_NAME: STREAMS.ours,
        S3_BUCKET: BUCKETS.ours,
        CALL_COUNTS_FILE: callCountsFile,
        CPU_PROFILE_FILE: cpuProfileFile,
        ...settings.workerEnv,
      },
      expected: settings.events,
      cloud,
      logFile: join(logDir, 'worker-drain.log'),
      timeoutMs: drainTimeoutMs(settings.events),
    });
    console.log(`ours: ${oursTiming.objectsPerSecond.toFixed(0)} objects/s`);
    const calls = settings.countCalls ? (JSON.parse(readFileSync(callCountsFile, 'utf8')) as Record<string, number>) : undefined;
    const cpuProfile = settings.profileWorker ? summarizeProfile(cpuProfileFile) : undefined;
    const ours = { ...oursTiming, bucket: await checkBucket(s3, BUCKETS.ours, files.ours), ...(calls ? { calls } : {}), ...(cpuProfile ? { cpuProfile } : {}) };

    console.log('worker draining at the AWS profile…');
    const oursAwsTiming = await drainWithWorker({
      entry: workerEntry,
      execArgv: [],
      env: { ...common, ...awsEnv, KINESIS_STREAM_NAME: STREAMS.oursAws, S3_BUCKET: BUCKETS.oursAws, ...settings.workerEnv },
      expected: settings.events,
      cloud,
      logFile: join(logDir, 'worker-drain-aws.log'),
      timeoutMs: drainTimeoutMs(settings.events),
    });
    console.log(`ours at the AWS profile: ${oursAwsTiming.objectsPerSecond.toFixed(0)} objects/s`);
    const oursAws = { ...oursAwsTiming, bucket: await checkBucket(s3, BUCKETS.oursAws, files.oursAws) };

    const ceilingAfter = await measureCeiling(ceilingS3, BUCKETS.ceiling, bestBefore.concurrency, settings.ceilingObjects, BODY_BYTES, cloud);
    console.log(`S3 ceiling again at ${ceilingAfter.concurrency} in flight: ${ceilingAfter.objectsPerSecond.toFixed(0)} objects/s`);
    console.log('measuring what status writes and GetRecords cost the local cloud…');
    const cloudCosts = await measureCloudCosts({
      dynamodb,
      table: cloud.outputs.uploadsTable,
      kinesis: local.kinesis,
      stream: STREAMS.naive,
      files: files.naive,
      statusItems: Math.min(settings.events, STATUS_COST_ITEMS),
      cloud,
    });
    const ceilingObjectsPerSecond = Math.max(bestBefore.objectsPerSecond, ceilingAfter.objectsPerSecond);

    for (const [name, result] of [['naive', naive], ['ours', ours], ['oursAws', oursAws]] as const) {
      if (result.bucket.missing > 0) problems.push(`${name}: ${result.bucket.missing} pre-loaded files have no object in ${BUCKETS[name]}`);
      if (result.bucket.sampleMismatches > 0) problems.push(`${name}: ${result.bucket.sampleMismatches} of ${result.bucket.sampled} sampled objects have the wrong bytes`);
    }
    if (settings.profileWorker || settings.countCalls) problems.push('ours ran with a profiling preload (--profile-worker/--count-calls): its rate is not representative');
    if (Object.keys(settings.workerEnv).length > 0) problems.push(`ours ran with --worker-env ${JSON.stringify(settings.workerEnv)}: not its production defaults`);
    if (ours.notStored) problems.push(`ours: ${ours.notStored} "not stored" warnings in the worker's log`);
    if (oursAws.notStored) problems.push(`ours at the AWS profile: ${oursAws.notStored} "not stored" warnings in the worker's log`);

    let latency: WorkerBenchResults['latency'] | undefined;
    let latencyAws: WorkerBenchResults['latency'] | undefined;
    if (!settings.drainOnly) {
      /** One end-to-end run at a steady rate; `label` names it in the problems ("latency", "latency at the AWS profile"). */
      const endToEnd = async (label: string, env: NodeJS.ProcessEnv, runLogDir: string) => {
        console.log(`end-to-end ${label}: ${settings.latencyRate} uploads/s for ${settings.latencySeconds} s…`);
        mkdirSync(runLogDir, { recursive: true });
        const run = await measureLatency({
          apiEntry,
          workerEntry,
          env: { ...common, ...env },
          cloud,
          dynamodb,
          table: cloud.outputs.uploadsTable,
          body: randomBytes(BODY_BYTES),
          ratePerSecond: settings.latencyRate,
          seconds: settings.latencySeconds,
          shards: SHARDS,
          warmupSeconds: settings.latencyWarmupSeconds,
          logDir: runLogDir,
        });
        if (run.failures > 0) problems.push(`${label}: ${run.failures} uploads not accepted (first: ${run.firstFailure})`);
        if (run.storedInTime < run.measured) problems.push(`${label}: ${run.measured - run.storedInTime} accepted uploads not stored within the deadline`);
        return run;
      };
      latency = await endToEnd('latency', { KINESIS_STREAM_NAME: STREAMS.e2e }, logDir);
      latencyAws = await endToEnd('latency at the AWS profile', { ...awsEnv, KINESIS_STREAM_NAME: STREAMS.e2eAws }, join(logDir, 'aws'));
    }

    const results: WorkerBenchResults = {
      date: new Date().toISOString(),
      command: commandLine('bench/worker/main.ts'),
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${type()} ${release()}` },
      node: process.version,
      revision: sourceRevision(REPO_ROOT),
      settings: {
        events: settings.events,
        bodyBytes: BODY_BYTES,
        shards: SHARDS,
        ceilingObjectsPerLevel: settings.ceilingObjects,
        latencyRate: settings.latencyRate,
        latencySeconds: settings.latencySeconds,
        latencyWarmupSeconds: settings.latencyWarmupSeconds,
        workerEnv: settings.workerEnv,
      },
      drain: {
        ceiling,
        ceilingAfter,
        ceilingObjectsPerSecond,
        naive,
        ours,
        oursToCeiling: ours.objectsPerSecond / ceilingObjectsPerSecond,
        oursAfterReadyToCeiling: (ours.objectsPerSecondAfterReady ?? ours.objectsPerSecond) / ceilingObjectsPerSecond,
        oursToNaive: ours.objectsPerSecond / naive.objectsPerSecond,
        cloudCosts,
        oursAws,
        awsProfileSeed: profile.seed,
        oursAwsToLoopback: oursAws.objectsPerSecond / ours.objectsPerSecond,
      },
      latency,
      latencyAws,
      problems,
    };
    writeBenchResults({ out: settings.out, name: 'worker', results, markdown: renderWorkerBenchMarkdown(results, TARGET_RATIO, AWS_TARGET_RATIO), problems: problems, logDir });
  } catch (error) {
    printLogTails(logDir, ['cloud', 's3', 'aws-profile', 'naive', 'worker-drain', 'worker-drain-aws', 'api', 'worker-e2e']);
    throw error;
  } finally {
    (s3 as S3Client).destroy();
    ceilingS3.destroy();
    dynamodb.destroy();
    local.destroy();
    await Promise.all([cloud.stop(), profile.stop()]);
  }
}

/**
 * Copies the built apps to dist/bench/worker/ and returns the copies' entry points: the working
 * tree is shared, and a \`nest build\` started elsewhere empties dist/apps/<app> while the
 * benchmark runs. Under <repo>/dist the copies still resolve packages from node_modules.
 */
function snapshotBuilds(withApi: boolean): { workerEntry: string; apiEntry: string } {
  const snapshot = join(REPO_ROOT, 'dist', 'bench', 'worker');
  const copy = (app: 'worker' | 'api', entry: string) => {
    const from = join(REPO_ROOT, 'dist', 'apps', app);
    rmSync(join(snapshot, app), { recursive: true, force: true });
    cpSync(from, join(snapshot, app), { recursive: true });
    return join(snapshot, app, relative(from, entry));
  };
  return { workerEntry: copy('worker', WORKER_ENTRY), apiEntry: withApi ? copy('api', API_ENTRY) : API_ENTRY };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
