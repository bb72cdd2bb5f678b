// `npm run bench:upload` (nest build api, then tsx bench/upload/main.ts [--duration S]
// [--warmup S] [--connections N] [--rounds N] [--saturation S] [--seed N] [--ab NAME=A,B]
// [--profile] [--out DIR]): POST /uploads of the api as built against a hand-written Express
// baseline, each on loopback and at the AWS profile, side by side on one local cloud, in one
// run; then the api on a 1-shard stream whose write capacity is exhausted. Writes
// <out>/upload.json and <out>/upload.md (default bench/results/); with --ab, upload-ab.*; with
// --connections other than 32, upload-<N>-connections.*.
import { commandLine, printLogTails, writeBenchResults } from '../shared/bench-run';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { join, relative } from 'node:path';
import { createLocalAwsClients } from '../../tools/local-cloud/local-aws.clients';
import { BenchCloudProcess } from './bench-cloud.process';
import { abServers, API_ENTRY, API_PRODUCTION_FLAGS, BASELINE_SOURCE, BENCH_SERVERS, baseEnvironment, startServers, streamsOf } from './bench-servers';
import { DEFAULT_CONNECTIONS, REPO_ROOT, settingsFromArgs, type UploadBenchSettings } from './bench-settings';
import { spreadOf } from './cpu-ab.stats';
import { medianRound } from './median-round';
import { preflight } from './preflight';
import { SATURATION_SERVER, runSaturationPhase, saturationProblems } from './saturation-phase';
import { sourceRevision } from './source-revision';
import { auditProblems, auditStream, type StreamAudit } from './stream-audit';
import type { BenchServer, ProfileComparison, SaturationPhase, ServerKind, UploadBenchResults, UploadRound } from './upload-bench.results';
import { AWS_PROFILE_DEFAULTS } from '../../tools/local-cloud/aws-profile/aws-profile.settings';
import { LatencyDistribution } from '../../tools/local-cloud/aws-profile/latency-distribution';
import { renderUploadBenchMarkdown } from './upload-bench.report';
import { runRounds, type RoundsOutcome, type ServerLedger } from './upload-rounds';
import type { UploadServerProcess } from './upload-server.process';

const BODY_BYTES = 1024;

/** Reads each server's stream (through the stand-ins, past the profile's read limits) and holds it against the receipts that server gave. */
async function auditStreams(
  cloud: BenchCloudProcess,
  servers: readonly BenchServer[],
  ledgers: Record<string, ServerLedger>,
  connections: number,
): Promise<{ streamAudit: Record<string, StreamAudit>; problems: string[] }> {
  const clients = createLocalAwsClients(cloud.outputsFor('loopback').endpoints);
  const streamAudit: Record<string, StreamAudit> = {};
  const problems: string[] = [];
  try {
    for (const { name, stream } of servers) {
      const { receipts, loadRuns } = ledgers[name];
      const audit = await auditStream(clients.kinesis, stream, receipts, loadRuns * connections);
      streamAudit[name] = audit;
      problems.push(...auditProblems(name, audit));
    }
  } finally {
    clients.destroy();
  }
  return { streamAudit, problems };
}

/** The Kinesis call each kind of server waits for before it answers 202. */
const PUBLISH_OPERATION: Record<ServerKind, 'PutRecords' | 'PutRecord'> = { ours: 'PutRecords', 'ours-default-heap': 'PutRecords', baseline: 'PutRecord' };

/** Little's law at the AWS profile's mean latency of the server's publish call (the bench cloud runs the profile's defaults). */
function closedLoopCeiling(kind: ServerKind, connections: number, loopbackRequestsPerSecond: number): ProfileComparison['closedLoopCeiling'] {
  const publishOperation = PUBLISH_OPERATION[kind];
  const meanCallMs = new LatencyDistribution(AWS_PROFILE_DEFAULTS.kinesis.operations[publishOperation]).meanMs();
  const requestsPerSecond = connections / (meanCallMs / 1000);
  return { publishOperation, meanCallMs, requestsPerSecond, ratioToLoopback: requestsPerSecond / loopbackRequestsPerSecond };
}

/** Each server at the AWS profile against its loopback twin (same kind, same environment), medians and round by round. */
function profileComparisons(
  servers: readonly BenchServer[],
  rounds: readonly UploadRound[],
  median: Record<string, UploadRound>,
  connections: number,
): ProfileComparison[] {
  const twin = (server: BenchServer) =>
    servers.find((s) => s.profile === 'loopback' && s.kind === server.kind && JSON.stringify(s.env ?? {}) === JSON.stringify(server.env ?? {}));
  return servers.flatMap((aws) => {
    const loopback = aws.profile === 'aws' ? twin(aws) : undefined;
    if (!loopback || !median[aws.name] || !median[loopback.name]) return [];
    const pairs = rounds
      .filter((r) => r.variant === aws.name)
      .flatMap((a) => rounds.filter((l) => l.variant === loopback.name && l.round === a.round).map((l) => [a, l] as const));
    return [
      {
        loopback: loopback.name,
        aws: aws.name,
        throughputRatio: median[aws.name].requestsPerSecond / median[loopback.name].requestsPerSecond,
        p99DifferenceMs: median[aws.name].latencyMs.p99 - median[loopback.name].latencyMs.p99,
        perRound: {
          throughputRatio: spreadOf(pairs.map(([a, l]) => a.requestsPerSecond / l.requestsPerSecond)),
          p99DifferenceMs: spreadOf(pairs.map(([a, l]) => a.latencyMs.p99 - l.latencyMs.p99)),
        },
        closedLoopCeiling: closedLoopCeiling(aws.kind, connections, median[loopback.name].requestsPerSecond),
      },
    ];
  });
}

const DESCRIPTIONS = {
  ours: `the api as built (${relative(REPO_ROOT, API_ENTRY)}, node ${API_PRODUCTION_FLAGS.join(' ')}): AppModule: Cognito guard, ClientKinesis publisher, upload status in DynamoDB`,
  'ours-default-heap': `the same api without ${API_PRODUCTION_FLAGS.join(' ')} (Node's default young generation)`,
  baseline: `${relative(REPO_ROOT, BASELINE_SOURCE)} (compiled to dist/bench/upload/): Express 5, jwks-rsa + jsonwebtoken (PEM) per request, one PutRecord per request`,
} as const;

function describe(server: BenchServer): string {
  const env = Object.entries(server.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const profile = server.profile === 'aws' ? 'AWS profile (latency and Kinesis shard limits)' : 'loopback (the stand-ins directly)';
  return `${DESCRIPTIONS[server.kind]}; ${profile}${env.length ? `; ${env.join(' ')}` : ''}`;
}

function resultsOf(
  settings: UploadBenchSettings,
  cloud: BenchCloudProcess,
  servers: readonly BenchServer[],
  outcome: RoundsOutcome<string>,
  audit: { streamAudit: Record<string, StreamAudit>; problems: string[] },
  saturation: SaturationPhase | undefined,
): UploadBenchResults {
  const median = Object.fromEntries(servers.map(({ name }) => [name, medianRound(outcome.rounds.filter((r) => r.variant === name))]));
  const [ours, heap, baseline] = [median.ours, median['ours-default-heap'], median.baseline];
  return {
    date: new Date().toISOString(),
    command: commandLine('bench/upload/main.ts'),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      os: `${type()} ${release()}`,
    },
    node: process.version,
    revision: sourceRevision(REPO_ROOT),
    settings: {
      connections: settings.connections,
      durationSeconds: settings.durationSeconds,
      warmupSeconds: settings.warmupSeconds,
      rounds: settings.rounds,
      bodyBytes: BODY_BYTES,
      nodeEnv: 'production',
      awsProfileSeed: cloud.outputs.profile?.seed,
      users: cloud.accessTokens.length,
    },
    servers: servers.map((server) => ({ ...server, description: describe(server) })),
    loadAverage1m: outcome.loadAverage1m,
    rounds: outcome.rounds,
    median,
    comparison:
      ours && heap && baseline
        ? {
            throughputRatio: ours.requestsPerSecond / baseline.requestsPerSecond,
            p99Ratio: ours.latencyMs.p99 / baseline.latencyMs.p99,
            defaultHeapThroughputRatio: heap.requestsPerSecond / baseline.requestsPerSecond,
          }
        : undefined,
    awsProfile: profileComparisons(servers, outcome.rounds, median, settings.connections),
    saturation,
    streamAudit: audit.streamAudit,
    problems: [...outcome.problems, ...audit.problems, ...(saturation ? saturationProblems(saturation) : [])],
  };
}

async function main(): Promise<void> {
  // The SDK's notice about Node 22 is noise here (the lock file pins releases that run on Node 20).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const settings = settingsFromArgs();
  if (!existsSync(API_ENTRY)) {
    throw new Error(`${relative(REPO_ROOT, API_ENTRY)} is missing: run npm run build (npm run bench:upload builds it)`);
  }
  const servers = settings.ab ? abServers(settings.ab.variable, settings.ab.values) : [...BENCH_SERVERS];
  const saturationServer = settings.ab || settings.saturationSeconds === 0 ? undefined : SATURATION_SERVER;
  const everyServer = saturationServer ? [...servers, saturationServer] : servers;
  const logDir = mkdtempSync(join(tmpdir(), 'bench-upload-'));
  console.log(`starting the local cloud (logs in ${logDir})…`);
  const cloud = await BenchCloudProcess.start(streamsOf(everyServer), baseEnvironment(), join(logDir, 'cloud.log'), {
    profile: 'aws',
    seed: settings.seed,
    users: settings.users,
  });
  console.log(`AWS profile seed ${cloud.outputs.profile?.seed}`);
  let running: Record<string, UploadServerProcess> | undefined;
  const stopAll = async () => {
    if (running) await Promise.all(Object.values(running).map((server) => server.stop()));
    await cloud.stop();
  };
  // Interrupted: leave no server behind to hold a port or skew the next run.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopAll().finally(() => process.exit(130)));
  }
  try {
    running = await startServers(cloud, everyServer, logDir, settings.profile);
    const body = randomBytes(BODY_BYTES);
    const accessToken = cloud.accessToken;
    const ledgers: Record<string, ServerLedger> = {};
    for (const { name } of servers) {
      const server = running[name];
      ledgers[name] = { server, receipts: new Set([await preflight(name, server.port, accessToken, body)]), loadRuns: 0 };
    }
    const outcome = await runRounds(settings, ledgers, cloud, { accessTokens: cloud.accessTokens, body });
    const saturation = saturationServer
      ? await runSaturationPhase(cloud, saturationServer, running[saturationServer.name], settings)
      : undefined;
    // Stopped first (the api flushes what it still holds on SIGTERM), then the streams are read.
    await Promise.all(Object.values(running).map((server) => server.stop()));
    console.log('auditing the streams against the 202 receipts…');
    const results = resultsOf(settings, cloud, servers, outcome, await auditStreams(cloud, servers, ledgers, settings.connections), saturation && (await saturation.audit()));

    const name = settings.ab ? 'upload-ab' : settings.connections === DEFAULT_CONNECTIONS ? 'upload' : `upload-${settings.connections}-connections`;
    writeBenchResults({ out: settings.out, name, results, markdown: renderUploadBenchMarkdown(results), problems: results.problems, logDir });
  } catch (error) {
    printLogTails(logDir, ['cloud', ...everyServer.map((s) => s.name)]);
    throw error;
  } finally {
    await stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
