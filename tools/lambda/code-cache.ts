import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { apiUpload, ApiRecordsAudit, workerBatch, type FirstInvocation } from '../../test-kit/lambda/first-invocations';
import { invokeBundle } from '../../test-kit/lambda/invoke-bundle';
import { localAppEnvironment } from '../local-cloud/local-app.environment';
import { withScratchCloud } from '../local-cloud/scratch-cloud';
import { lambdaNodeArgs } from './lambda-runtime';
import type { LambdaFunctionName } from './lambda-functions';

/** What the recording run wrote beside the cache (code-cache/recorded.json); the loader checks it. */
export interface CodeCacheRecord {
  node: string;
  arch: string;
  v8: string;
  execArgv: string[];
  bundleBytes: number;
  bundleCrc32: number;
  cacheBytes: number;
  cacheCrc32: number;
  recordedAt: string;
  recordedWith?: string;
}

/**
 * How the recording run exercises a function before the cache is taken:
 * - `first-invocation`: the benchmark's first invocation (the api: an authenticated POST
 *   /uploads; the worker: a Kinesis batch stored in S3) against a local cloud started for it;
 * - `import`: the bundle imported with no cloud behind it (the api's init fails at its first
 *   AWS/Cognito call): only what runs before that is in the cache.
 */
export type CodeCacheExercise = 'first-invocation' | 'import';

export const codeCacheFiles = (dir: string) => ({
  entry: join(dir, 'index.js'),
  bundle: join(dir, 'bundle.js'),
  cache: join(dir, 'code-cache', 'bundle.cache'),
  record: join(dir, 'code-cache', 'recorded.json'),
});

/**
 * Puts the code-cache loader in front of a function's bundle folder: index.js (esbuild's
 * output) becomes bundle.js (its source map bundle.js.map) and the loader becomes index.js,
 * so Lambda's `index.handler` still names the handler. Without a recorded cache the loader
 * runs the bundle as a plain require would.
 */
export function installCodeCacheLoader(dir: string): void {
  const files = codeCacheFiles(dir);
  const source = readFileSync(files.entry, 'utf8');
  const mapComment = '//# sourceMappingURL=index.js.map';
  if (!source.trimEnd().endsWith(mapComment)) throw new Error(`${files.entry} does not end with ${mapComment}: not esbuild's output, or the loader is already installed`);
  writeFileSync(files.bundle, source.replace(/\/\/# sourceMappingURL=index\.js\.map\s*$/, '//# sourceMappingURL=bundle.js.map\n'));
  if (existsSync(`${files.entry}.map`)) {
    const map = JSON.parse(readFileSync(`${files.entry}.map`, 'utf8')) as { file?: string };
    map.file = 'bundle.js';
    writeFileSync(`${files.bundle}.map`, JSON.stringify(map));
    rmSync(`${files.entry}.map`);
  }
  copyFileSync(join(__dirname, 'code-cache-loader.js'), files.entry);
  rmSync(join(dir, 'code-cache'), { recursive: true, force: true });
  mkdirSync(join(dir, 'code-cache'));
}

export function readCodeCacheRecord(dir: string): CodeCacheRecord {
  return JSON.parse(readFileSync(codeCacheFiles(dir).record, 'utf8')) as CodeCacheRecord;
}

interface RecordingTarget {
  fn: LambdaFunctionName;
  /** A bundle folder with the loader installed. */
  dir: string;
}

/**
 * Records each target's code cache: one fresh process of `node` (the pinned build, with
 * Lambda's options) runs the function as `exercise` says, then the loader writes the cache
 * at exit. Throws if a run fails or leaves no cache.
 */
export async function recordCodeCaches(targets: readonly RecordingTarget[], node: string, exercise: CodeCacheExercise = 'first-invocation'): Promise<void> {
  for (const { dir } of targets) rmSync(join(dir, 'code-cache'), { recursive: true, force: true });
  for (const { dir } of targets) mkdirSync(join(dir, 'code-cache'));
  const recordEnv = { LAMBDA_CODE_CACHE_RECORD: '1', LAMBDA_CODE_CACHE_RECORDED_WITH: exercise, NODE_ENV: 'production', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  if (exercise === 'import') {
    for (const { dir } of targets) await recordImportOnly(dir, node, recordEnv);
  } else {
    await withRecordingCloud(async (firstInvocation, env) => {
      for (const { fn, dir } of targets) {
        const invocation = await firstInvocation(fn);
        const run = await invokeBundle(codeCacheFiles(dir).entry, invocation.event, { ...env(fn), ...recordEnv }, lambdaNodeArgs(), node);
        await invocation.check(run.result);
      }
    });
  }
  for (const { dir } of targets) {
    const record = readCodeCacheRecord(dir);
    if (record.node !== (await nodeVersion(node))) throw new Error(`${dir}: the cache was recorded by ${record.node}, not by ${node}`);
  }
}

async function nodeVersion(node: string): Promise<string> {
  return (await promisify(execFile)(node, ['--version'])).stdout.trim();
}

/** Imports the bundle with no cloud behind it, waits for its start-up to settle (it fails), exits. */
async function recordImportOnly(dir: string, node: string, env: Record<string, string>): Promise<void> {
  // The handler awaits the start-up the import began; with every endpoint closed it fails
  // fast, which ends this run without a timer.
  const script = `const { handler } = require(${JSON.stringify(codeCacheFiles(dir).entry)}); Promise.resolve().then(() => handler({}, { getRemainingTimeInMillis: () => 1000 })).catch(() => undefined).finally(() => process.exit(0));`;
  const closed = 'http://127.0.0.1:9';
  await promisify(execFile)(node, [...lambdaNodeArgs(), '-e', script], {
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'recording',
      AWS_SECRET_ACCESS_KEY: 'recording',
      AWS_ENDPOINT_URL_KINESIS: closed,
      AWS_ENDPOINT_URL_S3: closed,
      AWS_ENDPOINT_URL_DYNAMODB: closed,
      KINESIS_STREAM_NAME: 'recording',
      S3_BUCKET: 'recording',
      UPLOADS_TABLE: 'recording',
      LEASE_TABLE: 'recording',
      COGNITO_USER_POOL_ID: 'us-east-1_recording',
      COGNITO_CLIENT_IDS: 'recording',
      COGNITO_ISSUER: `${closed}/us-east-1_recording`,
      COGNITO_JWKS_URI: `${closed}/.well-known/jwks.json`,
    },
    timeout: 120_000,
  });
}

type FirstInvocationOf = (fn: LambdaFunctionName) => Promise<FirstInvocation>;

/** A local cloud on free ports in a temp folder for the recording runs, stopped and removed afterwards. */
async function withRecordingCloud(use: (firstInvocation: FirstInvocationOf, env: (fn: LambdaFunctionName) => Record<string, string>) => Promise<void>): Promise<void> {
  const streams = { api: 'code-cache-api', worker: 'code-cache-worker' } as const;
  await withScratchCloud('code-cache-cloud-', Object.values(streams), async ({ outputs, kinesis, s3, accessToken }) => {
    const audit = new ApiRecordsAudit(kinesis, streams.api);
    const appEnv = localAppEnvironment(outputs);
    await use(
      async (fn) => (fn === 'api' ? apiUpload(accessToken, audit) : workerBatch(kinesis, s3, streams.worker, outputs.bucket)),
      (fn) => ({ ...appEnv, KINESIS_STREAM_NAME: streams[fn] }),
    );
    await audit.verify();
  });
}
