// `npm run bench:lambda-worker [-- --records N] [--warmup N] [--rounds R] [--shards S]
// [--variants 1,4,16,32,16x2] [--profiles loopback,aws] [--seed N] [--read-limit N] [--skip-build]
// [--out DIR]`: the throughput of the bundled worker function (dist/lambda/worker, on the
// pinned Node with Lambda's options, in warm execution environments as test-kit/lambda starts
// them) fed by a model of its Kinesis event source mapping (event-source-mapping.ts: batches of
// up to 100 per shard, one in flight per shard × parallelization factor, split by partition key,
// retried from batchItemFailures). Each variant (KINESIS_MAX_CONCURRENCY × factor) drains streams
// pre-loaded with 1 KiB inline file.uploaded events, storing them in S3 and their status in
// DynamoDB, at loopback and behind the AWS profile's proxies of the same local cloud, in
// interleaved rounds. Writes <out>/lambda-worker.json and .md (default bench/results/).
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createKinesisClient, createS3Client } from '@lib/aws';
import { buildLambdaBundles } from '../../tools/lambda/bundle';
import { lambdaNodeArgs } from '../../tools/lambda/lambda-runtime';
import { pinnedNode } from '../../tools/node/pinned-node';
import { localAppEnvironment } from '../../tools/local-cloud/local-app.environment';
import { REPO_ROOT } from '../../tools/local-cloud/local-cloud.options';
import { ensureStream } from '../../tools/local-cloud/local-cloud.seeder';
import { commandLine, printLogTails, writeBenchResults } from '../shared/bench-run';
import { BenchCloudProcess } from '../upload/bench-cloud.process';
import { baseEnvironment } from '../upload/bench-servers';
import { sourceRevision } from '../upload/source-revision';
import { fileUploadedRecord, type PreloadedFile } from '../worker/file-events';
import { preloadStream } from '../worker/stream-preloader';
import { DEPLOYED_MAPPING } from '../../test-kit/lambda/event-source-mapping';
import type { DrainRun, LambdaWorkerBenchResults, VariantResult } from './lambda-worker-bench.results';
import { renderLambdaWorkerBenchMarkdown } from './lambda-worker-bench.report';
import { settingsFromArgs, type CloudProfileName } from './lambda-worker-bench.settings';
import { WorkerFunctionSubject } from './worker-function.drain';

const BODY_BYTES = 1024;

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return n === 0 ? NaN : n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
};

async function main(): Promise<void> {
  const settings = settingsFromArgs();
  // Every environment runs on the pinned Node, the one the shipped code cache was recorded by.
  const node = await pinnedNode();
  process.env.LAMBDA_NODE = node;
  if (!settings.skipBuild) {
    console.log('building the worker bundle…');
    await buildLambdaBundles(['optimised']);
  }
  const logDir = mkdtempSync(join(tmpdir(), 'bench-lambda-worker-'));
  console.log(`starting the local cloud with the AWS profile in front (seed ${settings.seed}; logs in ${logDir})…`);
  const cloud = await BenchCloudProcess.start([], baseEnvironment(), join(logDir, 'cloud.log'), { profile: 'aws', seed: settings.seed });
  const { outputs } = cloud;
  // Both profiles from one cloud: the proxies' endpoints for `aws`, the stand-ins' own for `loopback`.
  const endpointsOf = (profile: CloudProfileName) => cloud.outputsFor(profile).endpoints;
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: outputs.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: outputs.credentials.secretAccessKey });
  // Preparing and checking go to the stand-ins directly: unshaped, and outside the timing.
  const direct = { region: outputs.region, endpoints: endpointsOf('loopback') };
  const kinesisDirect = createKinesisClient(direct);
  const s3Direct = createS3Client(direct);
  // The mapping's reads make one attempt per call, so the reader sees (and counts) each refusal.
  const mappingKinesis = Object.fromEntries(
    settings.profiles.map((profile) => [profile, createKinesisClient({ region: outputs.region, endpoints: endpointsOf(profile), kinesisMaxAttempts: 1 })]),
  ) as Record<CloudProfileName, ReturnType<typeof createKinesisClient>>;
  const subjects: WorkerFunctionSubject[] = [];
  const problems: string[] = [];
  const loadBefore = loadavg()[0]!;
  try {
    const owner = { sub: 'bench-sub', username: outputs.demoUser.username };
    const streamsOf = new Map<WorkerFunctionSubject, Array<{ stream: string; files: PreloadedFile[] }>>();
    for (const variant of settings.variants) {
      for (const profile of settings.profiles) {
        const base = `lw-${variant.name}-${profile}`;
        await s3Direct.send(new CreateBucketCommand({ Bucket: base }));
        const appEnv = { ...localAppEnvironment({ ...outputs, endpoints: endpointsOf(profile) }), NODE_ENV: 'production', KINESIS_STREAM_NAME: `${base}-0` };
        const subject = await WorkerFunctionSubject.start({ variant, profile, shards: settings.shards, bucket: base, appEnv, kinesis: mappingKinesis[profile], logDir });
        subjects.push(subject);
        // Stream 0 is the warm-up's; 1…rounds the timed drains'.
        const streams = [];
        for (let i = 0; i <= settings.rounds; i++) {
          const stream = `${base}-${i}`;
          const files = Array.from({ length: i === 0 ? settings.warmupRecords : settings.records }, () => fileUploadedRecord(BODY_BYTES, owner));
          await ensureStream(kinesisDirect, stream, settings.shards);
          await preloadStream(kinesisDirect, stream, files);
          streams.push({ stream, files });
        }
        streamsOf.set(subject, streams);
        console.log(`${subject.label}: ${settings.shards * variant.parallelizationFactor} environments started, streams filled`);
      }
    }

    // Warm-up: every environment's cold start and first batches, the proxies' connections.
    for (const subject of subjects) {
      const { stream, files } = streamsOf.get(subject)![0];
      if (files.length === 0) continue;
      const { run, problems: found } = await subject.drain(stream, files, -1, settings.readLimit, cloud.pid, s3Direct);
      problems.push(...found);
      console.log(`${subject.label} warm-up: ${run.recordsPerSecondPerShard.toFixed(0)} records/s per shard`);
    }

    const runs = new Map<WorkerFunctionSubject, DrainRun[]>(subjects.map((s) => [s, []]));
    for (let round = 0; round < settings.rounds; round++) {
      // Interleaved: each round starts one subject further on, so none always follows the same one.
      for (let i = 0; i < subjects.length; i++) {
        const subject = subjects[(round + i) % subjects.length];
        const { stream, files } = streamsOf.get(subject)![round + 1];
        const { run, problems: found } = await subject.drain(stream, files, round, settings.readLimit, cloud.pid, s3Direct);
        problems.push(...found);
        runs.get(subject)!.push(run);
        console.log(
          `round ${round + 1} ${subject.label}: ${run.recordsPerSecondPerShard.toFixed(0)} records/s per shard (function CPU ${run.functionCpuPercent.toFixed(0)} %, cloud ${run.cloudCpuPercent.toFixed(0)} %, load ${run.loadAverage1m.toFixed(1)})`,
        );
      }
    }

    const results: VariantResult[] = subjects.map((subject) => {
      const mine = runs.get(subject)!;
      return {
        variant: subject.variant,
        profile: subject.profile,
        runs: mine,
        medianRecordsPerSecondPerShard: median(mine.map((r) => r.recordsPerSecondPerShard)),
        medianFunctionCpuPercent: median(mine.map((r) => r.functionCpuPercent)),
        medianCloudCpuPercent: median(mine.map((r) => r.cloudCpuPercent)),
        medianInvocationMs: median(mine.map((r) => r.invocationMs.median)),
      };
    });
    const rate = (name: string, profile: CloudProfileName) =>
      results.find((r) => r.variant.name === name && r.profile === profile)?.medianRecordsPerSecondPerShard ?? NaN;
    const names = settings.variants.map((v) => v.name);
    const report: LambdaWorkerBenchResults = {
      date: new Date().toISOString(),
      command: commandLine('bench/lambda-worker/main.ts'),
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${type()} ${release()}` },
      node: execFileSync(node, ['--version'], { encoding: 'utf8' }).trim(),
      nodeArgs: lambdaNodeArgs(),
      revision: sourceRevision(REPO_ROOT),
      settings: {
        records: settings.records,
        warmupRecords: settings.warmupRecords,
        rounds: settings.rounds,
        shards: settings.shards,
        bodyBytes: BODY_BYTES,
        seed: settings.seed,
        readLimit: settings.readLimit,
        mapping: DEPLOYED_MAPPING,
      },
      loadAverage1m: { before: loadBefore, after: loadavg()[0]! },
      results,
      awsOverLoopback: Object.fromEntries(names.map((n) => [n, rate(n, 'aws') / rate(n, 'loopback')])),
      overOneAtATimeAtAws: Object.fromEntries(names.map((n) => [n, rate(n, 'aws') / rate('c1', 'aws')])),
      problems,
    };
    writeBenchResults({ out: settings.out, name: 'lambda-worker', results: report, markdown: renderLambdaWorkerBenchMarkdown(report), problems: problems, logDir });
  } catch (error) {
    printLogTails(logDir, ['cloud']);
    throw error;
  } finally {
    await Promise.all(subjects.map((s) => s.stop()));
    kinesisDirect.destroy();
    s3Direct.destroy();
    for (const client of Object.values(mappingKinesis)) client.destroy();
    await cloud.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
