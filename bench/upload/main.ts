// `npm run bench:upload` (nest build api, then tsx bench/upload/main.ts [--duration S]
// [--warmup S] [--connections N] [--rounds N] [--profile] [--out DIR]): POST /uploads of the
// api as built against a hand-written Express baseline, side by side on one local cloud, in
// one run. Writes <out>/upload.json and <out>/upload.md (default bench/results/).
import { commandLine, logTail } from '../shared/bench-run';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { join, relative } from 'node:path';
import { createLocalAwsClients } from '../../tools/local-cloud/local-aws.clients';
import { BenchCloudProcess } from './bench-cloud.process';
import { API_ENTRY, API_PRODUCTION_FLAGS, BASELINE_SOURCE, baseEnvironment, startServers, STREAMS } from './bench-servers';
import { REPO_ROOT, settingsFromArgs, type UploadBenchSettings } from './bench-settings';
import { medianRound } from './median-round';
import { preflight } from './preflight';
import { sourceRevision } from './source-revision';
import { auditStream, type StreamAudit } from './stream-audit';
import { UPLOAD_VARIANTS, type UploadBenchResults, type UploadRound, type UploadVariant } from './upload-bench.results';
import { renderUploadBenchMarkdown } from './upload-bench.report';
import { runRounds, type RoundsOutcome, type ServerLedger } from './upload-rounds';
import type { UploadServerProcess } from './upload-server.process';

const VARIANTS = UPLOAD_VARIANTS;
const BODY_BYTES = 1024;

/** Reads each server's stream and holds it against the receipts that server gave. */
async function auditStreams(
  cloud: BenchCloudProcess,
  ledgers: Record<UploadVariant, ServerLedger>,
  connections: number,
): Promise<{ streamAudit: Record<UploadVariant, StreamAudit>; problems: string[] }> {
  const clients = createLocalAwsClients(cloud.outputs.endpoints);
  const streamAudit = {} as Record<UploadVariant, StreamAudit>;
  const problems: string[] = [];
  try {
    for (const variant of VARIANTS) {
      const { receipts, loadRuns } = ledgers[variant];
      const audit = await auditStream(clients.kinesis, STREAMS[variant], receipts, loadRuns * connections);
      streamAudit[variant] = audit;
      if (audit.receiptsMissingFromStream > 0) {
        problems.push(`${variant}: ${audit.receiptsMissingFromStream} uploads got a 202 but have no record in ${audit.stream}`);
      }
      if (audit.recordsWithoutReceipt > audit.abandonedBound) {
        problems.push(
          `${variant}: ${audit.recordsWithoutReceipt} records without a receipt, more than the ${audit.abandonedBound} requests that can have been abandoned in flight`,
        );
      }
      if (audit.unreadableRecords > 0) problems.push(`${variant}: ${audit.unreadableRecords} records without data.id in ${audit.stream}`);
    }
  } finally {
    clients.destroy();
  }
  return { streamAudit, problems };
}

function resultsOf(
  settings: UploadBenchSettings,
  outcome: RoundsOutcome,
  audit: { streamAudit: Record<UploadVariant, StreamAudit>; problems: string[] },
): UploadBenchResults {
  const median = Object.fromEntries(
    VARIANTS.map((variant) => [variant, medianRound(outcome.rounds.filter((r) => r.variant === variant))]),
  ) as Record<UploadVariant, UploadRound>;
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
    },
    servers: {
      ours: `the api as built (${relative(REPO_ROOT, API_ENTRY)}, node ${API_PRODUCTION_FLAGS.join(' ')}): AppModule: Cognito guard, ClientKinesis publisher, upload status in DynamoDB`,
      'ours-default-heap': `the same api without ${API_PRODUCTION_FLAGS.join(' ')} (Node's default young generation)`,
      baseline: `${relative(REPO_ROOT, BASELINE_SOURCE)} (compiled to dist/bench/upload/): Express 5, jwks-rsa + jsonwebtoken (PEM) per request, one PutRecord per request`,
    },
    loadAverage1m: outcome.loadAverage1m,
    rounds: outcome.rounds,
    median,
    comparison: {
      throughputRatio: median.ours.requestsPerSecond / median.baseline.requestsPerSecond,
      p99Ratio: median.ours.latencyMs.p99 / median.baseline.latencyMs.p99,
      defaultHeapThroughputRatio: median['ours-default-heap'].requestsPerSecond / median.baseline.requestsPerSecond,
    },
    streamAudit: audit.streamAudit,
    problems: [...outcome.problems, ...audit.problems],
  };
}

async function main(): Promise<void> {
  // The SDK's notice about Node 22 is noise here (the lock file pins releases that run on Node 20).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const settings = settingsFromArgs();
  if (!existsSync(API_ENTRY)) {
    throw new Error(`${relative(REPO_ROOT, API_ENTRY)} is missing: run npm run build (npm run bench:upload builds it)`);
  }
  const logDir = mkdtempSync(join(tmpdir(), 'bench-upload-'));
  console.log(`starting the local cloud (logs in ${logDir})…`);
  const cloud = await BenchCloudProcess.start(Object.values(STREAMS), baseEnvironment(), join(logDir, 'cloud.log'));
  let servers: Record<UploadVariant, UploadServerProcess> | undefined;
  const stopAll = async () => {
    if (servers) await Promise.all(VARIANTS.map((variant) => servers![variant].stop()));
    await cloud.stop();
  };
  // Interrupted: leave no server behind to hold a port or skew the next run.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopAll().finally(() => process.exit(130)));
  }
  try {
    servers = await startServers(cloud, logDir, settings.profile);
    const body = randomBytes(BODY_BYTES);
    const accessToken = cloud.accessToken;
    const ledgers = {} as Record<UploadVariant, ServerLedger>;
    for (const variant of VARIANTS) {
      const server = servers[variant];
      ledgers[variant] = { server, receipts: new Set([await preflight(variant, server.port, accessToken, body)]), loadRuns: 0 };
    }
    const outcome = await runRounds(settings, ledgers, cloud, { accessToken, body });
    // Stopped first (the api flushes what it still holds on SIGTERM), then the streams are read.
    await Promise.all(VARIANTS.map((variant) => servers![variant].stop()));
    console.log('auditing the streams against the 202 receipts…');
    const results = resultsOf(settings, outcome, await auditStreams(cloud, ledgers, settings.connections));

    mkdirSync(settings.out, { recursive: true });
    writeFileSync(join(settings.out, 'upload.json'), `${JSON.stringify(results, null, 2)}\n`);
    const markdown = renderUploadBenchMarkdown(results);
    writeFileSync(join(settings.out, 'upload.md'), markdown);
    console.log(`\n${markdown}\nwritten to ${relative(process.cwd(), settings.out) || '.'}/upload.{json,md}; logs in ${logDir}`);
    if (results.problems.length > 0) process.exitCode = 1;
  } catch (error) {
    for (const name of ['cloud', ...VARIANTS]) {
      const log = logTail(join(logDir, `${name}.log`));
      if (log) console.error(`--- ${name} log (tail) ---\n${log}`);
    }
    throw error;
  } finally {
    await stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
