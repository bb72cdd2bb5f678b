// `npm run bench:auth` (tsx bench/auth/main.ts [--requests N] [--warmup N] [--concurrency N]
// [--rounds N] [--out DIR]): µs per authenticated request of the api's guard vs the
// hand-written jwks-rsa + jsonwebtoken guard vs no guard, on this machine, in one run.
// Writes <out>/auth.json and <out>/auth.md (default bench/results/).
import { commandLine, logTail } from '../shared/bench-run';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { wholeNumberOption } from '../shared/bench-args';
import type { AuthBenchResults, AuthCost, RoundMeasurement, VariantMeasurement, Workload } from './auth-bench.results';
import { renderAuthBenchMarkdown } from './auth-bench.report';
import { BENCH_PATH, type BenchVariant } from './bench-server.messages';
import { BenchServerProcess } from './bench-server.process';
import { BENCH_CLIENT_ID, BENCH_ISSUER, BENCH_POOL_ID, BenchTokenSigner } from './bench-token.signer';
import { get, runLoad } from './http-load.runner';
import { summarize } from './latency.stats';
import { LocalJwksServer } from './local-jwks.server';

const VARIANTS: readonly BenchVariant[] = ['floor', 'ours', 'naive'];
const WORKLOADS: readonly Workload[] = ['repeated', 'fresh'];
const REPO_ROOT = resolve(__dirname, '..', '..');

interface Settings {
  requests: number;
  warmup: number;
  concurrency: number;
  rounds: number;
  out: string;
}

function settingsFromArgs(): Settings {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '2500' },
      warmup: { type: 'string', default: '1000' },
      concurrency: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '5' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results') },
    },
  });
  return {
    requests: wholeNumberOption(values, 'requests'),
    warmup: wholeNumberOption(values, 'warmup'),
    concurrency: wholeNumberOption(values, 'concurrency'),
    rounds: wholeNumberOption(values, 'rounds'),
    out: resolve(values.out!),
  };
}

/** A guard that lets everything through would make the whole benchmark meaningless. */
async function checkGuards(servers: BenchServerProcess[], validToken: string): Promise<void> {
  const agent = new Agent({ keepAlive: false });
  const [header, payload] = validToken.split('.');
  const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
  try {
    for (const server of servers) {
      const target = { port: server.port, path: BENCH_PATH };
      const expect = async (token: string, status: number, what: string) => {
        const answer = await get(agent, target, token);
        if (answer.status !== status) throw new Error(`${server.variant}: ${what} got ${answer.status}, expected ${status}`);
      };
      await expect(validToken, 200, 'a valid token');
      await expect('', server.variant === 'floor' ? 200 : 401, 'no token');
      if (server.variant !== 'floor') await expect(forged, 401, 'a bad signature');
    }
  } finally {
    agent.destroy();
  }
}

function childEnvironment(jwksUri: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    AWS_REGION: 'us-east-1',
    COGNITO_USER_POOL_ID: BENCH_POOL_ID,
    COGNITO_CLIENT_IDS: BENCH_CLIENT_ID,
    COGNITO_ISSUER: BENCH_ISSUER,
    COGNITO_JWKS_URI: jwksUri,
  };
  // The servers load their own TypeScript hook (swc-register.js); tsx's must not compete.
  delete env.NODE_OPTIONS;
  return env;
}

interface Accumulator {
  rounds: RoundMeasurement[];
  latencies: Float64Array[];
}

async function measure(
  server: BenchServerProcess,
  settings: Settings,
  tokenFor: (i: number) => string,
  warmupTokenFor: ((i: number) => string) | undefined,
  into: Accumulator,
): Promise<void> {
  const base = { port: server.port, path: BENCH_PATH, concurrency: settings.concurrency };
  if (warmupTokenFor) {
    const warm = await runLoad({ ...base, requests: settings.warmup, tokenFor: warmupTokenFor });
    if (warm.failures > 0) throw new Error(`${server.variant}: warm-up got ${warm.failures} failures, first: ${warm.firstFailure}`);
  }
  const before = await server.cpu();
  const result = await runLoad({ ...base, requests: settings.requests, tokenFor });
  const after = await server.cpu();
  if (result.failures > 0) throw new Error(`${server.variant}: ${result.failures} failures, first: ${result.firstFailure}`);
  into.rounds.push({
    requestsPerSecond: settings.requests / (result.elapsedMicros / 1e6),
    serverCpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / settings.requests,
  });
  into.latencies.push(result.latenciesMicros);
}

/** Medians over rounds: other work on a shared machine hits single rounds, not the median. */
function measurementFrom(variant: BenchVariant, workload: Workload, acc: Accumulator): VariantMeasurement {
  const all = new Float64Array(acc.latencies.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of acc.latencies) {
    all.set(part, offset);
    offset += part.length;
  }
  const requestsPerSecond = median(acc.rounds.map((r) => r.requestsPerSecond));
  const perRequest = acc.rounds.map((r) => 1e6 / r.requestsPerSecond);
  return {
    variant,
    workload,
    requests: all.length,
    requestsPerSecond,
    microsPerRequest: 1e6 / requestsPerSecond,
    microsPerRequestRange: [Math.min(...perRequest), Math.max(...perRequest)],
    serverCpuMicrosPerRequest: median(acc.rounds.map((r) => r.serverCpuMicrosPerRequest)),
    latencyMicros: summarize(all),
    rounds: acc.rounds,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function authCosts(measurements: VariantMeasurement[]): AuthCost[] {
  return measurements.flatMap((m) => {
    if (m.variant === 'floor') return [];
    const floor = measurements.find((f) => f.variant === 'floor' && f.workload === m.workload)!;
    return [
      {
        variant: m.variant,
        workload: m.workload,
        microsPerRequest: m.microsPerRequest - floor.microsPerRequest,
        serverCpuMicrosPerRequest: m.serverCpuMicrosPerRequest - floor.serverCpuMicrosPerRequest,
        meanLatencyMicros: m.latencyMicros.mean - floor.latencyMicros.mean,
      },
    ];
  });
}

async function main(): Promise<void> {
  const settings = settingsFromArgs();
  const signer = new BenchTokenSigner();
  const jwks = new LocalJwksServer(signer.jwks());
  const jwksUri = await jwks.start();
  const logDir = mkdtempSync(join(tmpdir(), 'bench-auth-'));
  const servers: BenchServerProcess[] = [];
  try {
    // Signed before any timing: distinct tokens for every timed request of every round,
    // and the warm-ups share another set.
    console.log(`signing ${settings.warmup + settings.rounds * settings.requests} tokens…`);
    const repeated = signer.accessToken();
    const warmupTokens = Array.from({ length: settings.warmup }, () => signer.accessToken());
    const freshTokens = Array.from({ length: settings.rounds * settings.requests }, () => signer.accessToken());

    for (const variant of VARIANTS) {
      servers.push(await BenchServerProcess.start(variant, childEnvironment(jwksUri), join(logDir, `${variant}.log`)));
    }
    await checkGuards(servers, repeated);
    const fetchesBefore = jwks.fetches;
    const loadBefore = loadavg()[0];

    const accumulators = new Map<string, Accumulator>();
    for (let round = 0; round < settings.rounds; round++) {
      for (const workload of WORKLOADS) {
        // Interleaved, so a slow patch of the machine hits every server alike.
        for (const server of servers) {
          const key = `${server.variant}/${workload}`;
          const acc = accumulators.get(key) ?? { rounds: [], latencies: [] };
          accumulators.set(key, acc);
          const offset = round * settings.requests;
          const tokenFor = workload === 'repeated' ? () => repeated : (i: number) => freshTokens[offset + i];
          // Warm-up once: later rounds find the server's code already optimised.
          const warmupFor = round > 0 ? undefined : workload === 'repeated' ? () => repeated : (i: number) => warmupTokens[i];
          console.log(`round ${round + 1}/${settings.rounds}: ${server.variant}, ${workload} tokens`);
          await measure(server, settings, tokenFor, warmupFor, acc);
        }
      }
    }

    const measurements = WORKLOADS.flatMap((workload) =>
      VARIANTS.map((variant) => measurementFrom(variant, workload, accumulators.get(`${variant}/${workload}`)!)),
    );
    const results: AuthBenchResults = {
      date: new Date().toISOString(),
      command: commandLine('bench/auth/main.ts'),
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        os: `${type()} ${release()}`,
      },
      node: process.version,
      settings: { ...pick(settings), nodeEnv: 'production' },
      jwksFetchesWhileTimed: jwks.fetches - fetchesBefore,
      loadAverage1m: { before: round2(loadBefore), after: round2(loadavg()[0]) },
      measurements,
      authCost: authCosts(measurements),
    };
    mkdirSync(settings.out, { recursive: true });
    writeFileSync(join(settings.out, 'auth.json'), `${JSON.stringify(results, null, 2)}\n`);
    const markdown = renderAuthBenchMarkdown(results);
    writeFileSync(join(settings.out, 'auth.md'), markdown);
    console.log(`\n${markdown}\nwritten to ${relative(process.cwd(), settings.out) || '.'}/auth.{json,md}; server logs in ${logDir}`);
  } catch (error) {
    for (const variant of VARIANTS) {
      const log = logTail(join(logDir, `${variant}.log`));
      if (log) console.error(`--- ${variant} server log (tail) ---\n${log}`);
    }
    throw error;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await jwks.close();
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function pick({ requests, warmup, concurrency, rounds }: Settings) {
  return { requests, warmup, concurrency, rounds };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
