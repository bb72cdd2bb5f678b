// `npm run bench:lambda [-- --runs N] [--out DIR] [--skip-build] [--cpu-prof DIR] [--only A,B]
// [--ablation]`: the cold start (import + first invocation) of the bundled Lambda functions,
// each in ≥ 15 fresh processes of the pinned Node (.node-version) started with Lambda's
// options, side by side in one run: the shipped bundles (with the code cache recorded at
// bundle time), the same without their cache, the functions bundled without the
// optimisations, a bare Express + serverless-express handler bundled the same way, and the
// api with two other cache set-ups (Node's module.enableCompileCache; our cache recorded by
// an import alone). The api's first invocation is an authenticated POST /uploads that reaches the local Kinesis;
// the worker's a Kinesis batch of a record really put into the local stream, ending as an
// object in the local S3. `--ablation` adds the api without each optimisation in turn.
// Writes <out>/lambda.json and <out>/lambda.md (default bench/results/).
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { invokeBundle } from '../../test-kit/lambda/invoke-bundle';
import { buildLambdaBundles, bundleFunction } from '../../tools/lambda/bundle';
import { OPTIMISATIONS } from '../../tools/lambda/bundle.options';
import { lambdaNodeArgs } from '../../tools/lambda/lambda-runtime';
import { bundleDir } from '../../tools/lambda/lambda-functions';
import { pinnedNode } from '../../tools/node/pinned-node';
import { localAppEnvironment } from '../../tools/local-cloud/local-app.environment';
import { withScratchCloud } from '../../tools/local-cloud/scratch-cloud';
import { REPO_ROOT } from '../../tools/local-cloud/local-cloud.options';
import { sourceRevision } from '../upload/source-revision';
import { commandLine, writeBenchResults } from '../shared/bench-run';
import { BARE_EXPRESS_BUNDLE, bundleBareExpress } from './bare-express.bundle';
import { prepareCompileCacheVariant, prepareImportOnlyVariant } from './cache-variants';
import { summarizeTimings } from './cold-start.stats';
import { ApiRecordsAudit, apiUpload, bareUpload, UPLOAD_BYTES, workerBatch, type FirstInvocation } from '../../test-kit/lambda/first-invocations';
import type { ColdStartSeries, ColdStartSubject, LambdaBenchResults } from './lambda-bench.results';
import { renderLambdaBenchMarkdown } from './lambda-bench.report';
import { settingsFromArgs } from './lambda-bench.settings';

const API_STREAM = 'bench-lambda-api';
const WORKER_STREAM = 'bench-lambda-worker';

interface Subject {
  name: ColdStartSubject;
  bundle: string;
  invocation: string;
  env: Record<string, string>;
  prepare(): Promise<FirstInvocation>;
  /** For bundles behind our code-cache loader: whether every run must have used its cache. */
  expectsCodeCache?: boolean;
}

interface Sample {
  importMs: number;
  invokeMs: number;
  coldStartMs: number;
  processMs: number;
  cpuMs: number;
  /** The function's own start-up steps, ms since its process started (when it reports them). */
  startup?: Record<string, number>;
}

async function nodeStart(node: string): Promise<{ wallMs: number; cpuMs: number }> {
  const started = process.hrtime.bigint();
  const { stdout } = await promisify(execFile)(node, [...lambdaNodeArgs(), '-e', 'const u = process.cpuUsage(); console.log((u.user + u.system) / 1e3)']);
  return { wallMs: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: Number(stdout) };
}

/** The median time of each start-up step the function reported. */
function startupMedians(samples: Sample[]): Record<string, number> | undefined {
  const steps = samples[0]?.startup;
  if (!steps) return undefined;
  return Object.fromEntries(Object.keys(steps).map((step) => [step, summarizeTimings(samples.map((s) => s.startup?.[step] ?? NaN)).median]));
}

function series(subject: Subject, samples: Sample[]): ColdStartSeries {
  const of = (key: Exclude<keyof Sample, 'startup'>) => summarizeTimings(samples.map((s) => s[key]));
  return {
    subject: subject.name,
    bundle: relative(REPO_ROOT, subject.bundle),
    // Behind a code-cache loader, the bundle itself is bundle.js.
    bundleBytes: statSync(existsSync(join(dirname(subject.bundle), 'bundle.js')) ? join(dirname(subject.bundle), 'bundle.js') : subject.bundle).size,
    invocation: subject.invocation,
    runs: samples.length,
    startupMedians: startupMedians(samples),
    importMs: of('importMs'),
    invokeMs: of('invokeMs'),
    coldStartMs: of('coldStartMs'),
    processMs: of('processMs'),
    cpuMs: of('cpuMs'),
  };
}

/** The api bundled with every optimisation but one (`--ablation`; plain bundles, no code cache). */
function ablationBundle(optimisation: string): string {
  return join(REPO_ROOT, 'dist', 'lambda-ablation', `without-${optimisation}`, 'api', 'index.js');
}

async function main(): Promise<void> {
  // The SDK's notice about Node 22 is noise here (the lock file pins releases that run on Node 20).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const settings = settingsFromArgs();
  // Every bundle runs on the pinned Node, whatever runs this script: the shipped caches are
  // recorded by it and would be ignored by any other build.
  const node = await pinnedNode();
  if (!settings.skipBuild) {
    console.log('building the bundles (optimised, unoptimised, bare Express)…');
    await buildLambdaBundles(['optimised', 'unoptimised']);
    await bundleBareExpress();
    if (settings.ablation) {
      for (const optimisation of OPTIMISATIONS) {
        const others = new Set(OPTIMISATIONS.filter((o) => o !== optimisation));
        await bundleFunction('api', 'optimised', others, ablationBundle(optimisation), `api-without-${optimisation}`);
      }
    }
  }

  console.log('starting the local cloud…');
  await withScratchCloud('bench-lambda-cloud-', [API_STREAM, WORKER_STREAM], async ({ outputs, kinesis, s3, accessToken }) => {
    const appEnv = { ...localAppEnvironment(outputs), NODE_ENV: 'production' };
    const audit = new ApiRecordsAudit(kinesis, API_STREAM);
    const apiInvocation = `authenticated POST /uploads (HTTP API event, ${UPLOAD_BYTES}-byte binary body, Cognito access token) → 202, record in the local Kinesis`;
    const workerInvocation = `Kinesis event of one file.uploaded record put into the local stream (inline ${UPLOAD_BYTES}-byte body) → object in the local S3, no batch item failure`;
    const wanted = (name: ColdStartSubject) => !settings.only || settings.only.includes(name);
    // The shipped folders hold the loader and their cache; `-no-cache` runs them with the cache switched off.
    const noCache = { LAMBDA_CODE_CACHE: 'off' };
    const api = (name: ColdStartSubject, variant: 'optimised' | 'unoptimised', extraEnv: Record<string, string> = {}): Subject => ({
      name,
      bundle: join(bundleDir(variant, 'api'), 'index.js'),
      invocation: apiInvocation,
      env: { ...appEnv, KINESIS_STREAM_NAME: API_STREAM, ...extraEnv },
      prepare: async () => apiUpload(accessToken, audit),
      expectsCodeCache: variant === 'optimised' ? extraEnv !== noCache : undefined,
    });
    const worker = (name: ColdStartSubject, variant: 'optimised' | 'unoptimised', extraEnv: Record<string, string> = {}): Subject => ({
      name,
      bundle: join(bundleDir(variant, 'worker'), 'index.js'),
      invocation: workerInvocation,
      env: { ...appEnv, KINESIS_STREAM_NAME: WORKER_STREAM, ...extraEnv },
      prepare: () => workerBatch(kinesis, s3, WORKER_STREAM, outputs.bucket),
      expectsCodeCache: variant === 'optimised' ? extraEnv !== noCache : undefined,
    });
    const allSubjects: Subject[] = [
      api('api', 'optimised'),
      api('api-no-cache', 'optimised', noCache),
      api('api-unoptimised', 'unoptimised'),
      worker('worker', 'optimised'),
      worker('worker-no-cache', 'optimised', noCache),
      worker('worker-unoptimised', 'unoptimised'),
      {
        name: 'bare-express',
        bundle: BARE_EXPRESS_BUNDLE,
        invocation: `POST /uploads (HTTP API event, ${UPLOAD_BYTES}-byte body) → 202, nothing else`,
        env: { NODE_ENV: 'production' },
        prepare: async () => bareUpload(),
      },
      // The two comparison set-ups are prepared only when measured (--only).
      ...(wanted('api-compile-cache') ? [{
        ...api('api-compile-cache', 'optimised'),
        bundle: prepareCompileCacheVariant(),
        invocation: `${apiInvocation}; the shipped bundle.js behind Node's module.enableCompileCache (portable) instead of our loader, its cache recorded by one earlier invocation`,
        expectsCodeCache: undefined,
      }] : []),
      ...(wanted('api-cache-import-only') ? [{
        ...api('api-cache-import-only', 'optimised'),
        bundle: await prepareImportOnlyVariant(node),
        invocation: `${apiInvocation}; the shipped api with its cache recorded by an import alone (no cloud: start-up fails at its first network call)`,
      }] : []),
      ...(settings.ablation
        ? OPTIMISATIONS.map((optimisation): Subject => ({
            ...api(`api-without-${optimisation}`, 'optimised'),
            bundle: ablationBundle(optimisation),
            // Plain bundles: no loader, no cache.
            expectsCodeCache: undefined,
          }))
        : []),
    ];
    const subjects = allSubjects.filter((s) => wanted(s.name));

    const compileCache = subjects.find((s) => s.name === 'api-compile-cache');
    if (compileCache) {
      // Node's compile cache is written at the exit of a first run of its own (its upload is checked like the others).
      const recording = apiUpload(accessToken, audit);
      const run = await invokeBundle(compileCache.bundle, recording.event, compileCache.env, lambdaNodeArgs(), node);
      await recording.check(run.result);
    }

    const loadBefore = loadavg()[0];
    const nodeStarts: Array<{ wallMs: number; cpuMs: number }> = [];
    const samples = new Map<ColdStartSubject, Sample[]>(subjects.map((s) => [s.name, []]));
    const problems: string[] = [];
    for (let round = 0; round < settings.runs; round++) {
      nodeStarts.push(await nodeStart(node));
      // Turns: each round starts with a different bundle, so none always follows the same one.
      for (let i = 0; i < subjects.length; i++) {
        const subject = subjects[(round + i) % subjects.length];
        const invocation = await subject.prepare();
        try {
          const profiling = settings.cpuProfileDir
            ? ['--cpu-prof', '--cpu-prof-dir', settings.cpuProfileDir, '--cpu-prof-name', `${subject.name}-${round + 1}.cpuprofile`]
            : [];
          const run = await invokeBundle(subject.bundle, invocation.event, subject.env, [...lambdaNodeArgs(), ...profiling], node);
          await invocation.check(run.result);
          if (subject.expectsCodeCache !== undefined && (run.codeCache?.used !== subject.expectsCodeCache || run.codeCache.lines !== 1)) {
            throw new Error(`expected one code cache line saying used=${subject.expectsCodeCache}, got ${run.codeCache?.lines ?? 0} (${JSON.stringify(run.codeCache)})`);
          }
          samples.get(subject.name)!.push({ importMs: run.importMs, invokeMs: run.invokeMs, coldStartMs: run.importMs + run.invokeMs, processMs: run.wallMs, cpuMs: run.cpuMs, startup: run.startupTimeline && { ...run.startupTimeline, invoked: run.invokedAt!, answered: run.invokedAt! + run.invokeMs } });
        } catch (error) {
          problems.push(`${subject.name}, round ${round + 1}: ${(error as Error).message.slice(0, 2000)}`);
        }
      }
      process.stdout.write(`round ${round + 1}/${settings.runs} done\n`);
    }
    const loadAfter = loadavg()[0];
    let apiRecordsInStream = 0;
    try {
      apiRecordsInStream = await audit.verify();
    } catch (error) {
      problems.push((error as Error).message);
    }

    const all = subjects.map((subject) => series(subject, samples.get(subject.name)!));
    const median = (name: ColdStartSubject) => all.find((s) => s.subject === name)?.coldStartMs.median ?? NaN;
    const cpuMedian = (name: ColdStartSubject) => all.find((s) => s.subject === name)?.cpuMs.median ?? NaN;
    const results: LambdaBenchResults = {
      date: new Date().toISOString(),
      command: commandLine('bench/lambda/main.ts'),
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${type()} ${release()}` },
      node: (await promisify(execFile)(node, ['--version'])).stdout.trim(),
      nodeBinary: node,
      nodeArgs: lambdaNodeArgs(),
      revision: sourceRevision(REPO_ROOT),
      runsPerSubject: settings.runs,
      nodeStartMs: summarizeTimings(nodeStarts.map((n) => n.wallMs)),
      nodeStartCpuMs: summarizeTimings(nodeStarts.map((n) => n.cpuMs)),
      loadAverage1m: { before: loadBefore, after: loadAfter },
      series: all,
      apiRecordsInStream,
      comparison: {
        apiOverBare: median('api') / median('bare-express'),
        apiOverUnoptimised: median('api') / median('api-unoptimised'),
        apiCpuOverUnoptimised: cpuMedian('api') / cpuMedian('api-unoptimised'),
        apiNoCacheOverUnoptimised: median('api-no-cache') / median('api-unoptimised'),
        apiNoCacheOverBare: median('api-no-cache') / median('bare-express'),
        workerOverUnoptimised: median('worker') / median('worker-unoptimised'),
        workerNoCacheOverUnoptimised: median('worker-no-cache') / median('worker-unoptimised'),
        apiCompileCacheOverUnoptimised: median('api-compile-cache') / median('api-unoptimised'),
        apiImportOnlyCacheOverUnoptimised: median('api-cache-import-only') / median('api-unoptimised'),
      },
      ablation: settings.ablation
        ? OPTIMISATIONS.flatMap((optimisation) => {
            // With --only, some optimisations may not have been measured.
            const without = all.find((s) => s.subject === `api-without-${optimisation}`);
            if (!without) return [];
            return {
              optimisation,
              bundleBytes: without.bundleBytes,
              coldStartMs: without.coldStartMs.median,
              cpuMs: without.cpuMs.median,
              // Against the shipped api without its cache: the ablation bundles have none.
              savesMs: without.coldStartMs.median - median('api-no-cache'),
              savesCpuMs: without.cpuMs.median - cpuMedian('api-no-cache'),
            };
          })
        : undefined,
      problems,
    };
    writeBenchResults({ out: settings.out, name: 'lambda', results, markdown: renderLambdaBenchMarkdown(results), problems: problems });
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
