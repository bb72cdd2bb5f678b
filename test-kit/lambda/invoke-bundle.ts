import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { lambdaNodeArgs } from '../../tools/lambda/lambda-runtime';

const REPO_ROOT = join(__dirname, '..', '..');
const RESULT_MARK = '__LAMBDA_RESULT__';

/** Where `npm run bundle:lambda` puts a function's bundle. */
export function bundlePath(fn: 'api' | 'worker'): string {
  return join(REPO_ROOT, 'dist', 'lambda', fn, 'index.js');
}

/**
 * What a bundle's process is started with, as Lambda's Node runtime starts it: `env` as its
 * whole environment besides PATH (and the function name), and the `node` binary `LAMBDA_NODE`
 * (the pinned build, set by the Lambda suites' global setup and the benchmarks) or this
 * process's. Shared by the one-shot {@link invokeBundle} and the warm {@link LambdaEnvironment}.
 */
export function lambdaProcessEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', NO_COLOR: '1', AWS_LAMBDA_FUNCTION_NAME: 'test-function', ...env };
}

/** The `node` that runs bundles: `LAMBDA_NODE` (the pinned build) or this process's. */
export function lambdaNode(): string {
  return process.env.LAMBDA_NODE || process.execPath;
}

/** What one invocation in a fresh process gave, and how long it took. */
export interface BundleInvocation<R> {
  result: R;
  /** require() of the bundle, in ms. */
  importMs: number;
  /** The first invocation (which waits for the init that import started), in ms. */
  invokeMs: number;
  /** From spawning the process to its exit, as the parent saw it (Node's own start included), in ms. */
  wallMs: number;
  /**
   * CPU time (user + system) the process used up to the end of the first invocation, Node's
   * own start included, in ms: steadier than wall time on a busy machine.
   */
  cpuMs: number;
  /** The bundle's `startupTimeline` export, if it has one (ms since the process started). */
  startupTimeline?: Record<string, number>;
  /** When the first invocation began, in the same terms. */
  invokedAt?: number;
  output: string;
  /** What the bundle's entry said about its code cache (its one `code cache …` line), if it has one. */
  codeCache?: { used: boolean; reason?: string; lines: number };
}

/** The `code cache used` / `code cache not used` lines the shipped entry (tools/lambda/code-cache-loader.js) wrote. */
export function codeCacheLines(output: string): Array<{ msg: string; codeCache: { used: boolean; reason?: string } }> {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"codeCache"'))
    .map((line) => JSON.parse(line) as { msg: string; codeCache: { used: boolean; reason?: string } });
}

/**
 * Invokes a bundled handler the way Lambda's Node runtime does — `node` with the runtime's
 * options, `require` the bundle, call `handler(event, context)` — in a fresh process (a cold
 * start), with `env` as its whole environment besides PATH (see {@link lambdaProcessEnv}).
 */
export function invokeBundle<R = unknown>(
  bundle: string,
  event: unknown,
  env: Record<string, string>,
  /** `node` options: Lambda's by default (the benchmark adds e.g. --cpu-prof). */
  nodeArgs: readonly string[] = lambdaNodeArgs(),
  node: string = lambdaNode(),
): Promise<BundleInvocation<R>> {
  const script = `
    const t0 = process.hrtime.bigint();
    const bundle = require(${JSON.stringify(bundle)});
    const { handler } = bundle;
    const t1 = process.hrtime.bigint();
    let input = '';
    process.stdin.on('data', (d) => (input += d)).on('end', async () => {
      const context = { awsRequestId: 'test-request', functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, getRemainingTimeInMillis: () => 30000 };
      try {
        const result = await handler(JSON.parse(input), context);
        const t2 = process.hrtime.bigint();
        process.stdout.write('\\n${RESULT_MARK}' + JSON.stringify({ result, importMs: Number(t1 - t0) / 1e6, invokeMs: Number(t2 - t1) / 1e6, cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1e3, startupTimeline: bundle.startupTimeline, invokedAt: Number(t1) / 1e6 - Number(process.hrtime.bigint()) / 1e6 + performance.now() }) + '\\n');
        process.exit(0);
      } catch (error) {
        console.error('handler failed:', error);
        process.exit(1);
      }
    });`;
  return new Promise((resolve, reject) => {
    const spawnedAt = process.hrtime.bigint();
    const child = spawn(node, [...nodeArgs, '-e', script], {
      env: lambdaProcessEnv(env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = output.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (code !== 0 || line === undefined) return reject(new Error(`invocation failed (exit ${code}):\n${output.slice(-4000)}`));
      const cacheLines = codeCacheLines(output);
      const codeCache = cacheLines[0] && { ...cacheLines[0].codeCache, lines: cacheLines.length };
      resolve({ ...JSON.parse(line.slice(RESULT_MARK.length)), wallMs: Number(process.hrtime.bigint() - spawnedAt) / 1e6, output, codeCache });
    });
    child.stdin.end(JSON.stringify(event));
  });
}
