// `npm run bench:request-context` (nest build api, then tsx bench/upload/request-context-ab.main.ts
// [--rounds N] [--duration S] [--warmup S] [--connections N] [--out DIR]): what nestjs-pino's
// request context (an AsyncLocalStorage entered per request, LOG_REQUEST_CONTEXT) costs the
// api per upload. The same build runs twice, side by side on one local cloud, with
// LOG_REQUEST_CONTEXT=on and =off, under the upload benchmark's load (autocannon, POST /uploads,
// one valid token); the two alternate round by round, the first one swapping every round. The
// number compared is the api process's CPU time per request (/proc/<pid>/stat), not requests/s:
// on a shared 2-core machine CPU per request moves much less with the other load than
// throughput does. Writes <out>/request-context.json and .md (default bench/results/).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { join, relative } from 'node:path';
import { commandLine, printLogTails, writeBenchResults } from '../shared/bench-run';
import { BenchCloudProcess } from './bench-cloud.process';
import { API_ENTRY, API_PRODUCTION_FLAGS, apiEnvironment, baseEnvironment } from './bench-servers';
import { REPO_ROOT, settingsFromArgs, type UploadBenchSettings } from './bench-settings';
import { spreadOf, summarizeCpuAb, type CpuAbSummary } from './cpu-ab.stats';
import { freePort } from '../../tools/local-cloud/ports';
import { preflight } from './preflight';
import { sourceRevision, type SourceRevision } from './source-revision';
import type { UploadRound } from './upload-bench.results';
import { runRounds, type ServerLedger } from './upload-rounds';
import { UploadServerProcess } from './upload-server.process';

type ContextVariant = 'context-off' | 'context-on';
const VARIANTS: readonly ContextVariant[] = ['context-off', 'context-on'];
const SETTING: Record<ContextVariant, string> = { 'context-off': 'off', 'context-on': 'on' };
const BODY_BYTES = 1024;
/** Below this much CPU per upload, the request context stays on (the bar it was set to meet). */
const THRESHOLD_PERCENT = 2;

interface RequestContextAbResults {
  date: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string };
  node: string;
  revision?: SourceRevision;
  settings: Pick<UploadBenchSettings, 'connections' | 'durationSeconds' | 'warmupSeconds' | 'rounds'> & { bodyBytes: number; execArgv: string[] };
  /** context-on over context-off. */
  summary: CpuAbSummary;
  requestsPerSecond: Record<ContextVariant, ReturnType<typeof spreadOf>>;
  otherCpuPercent: ReturnType<typeof spreadOf>;
  thresholdPercent: number;
  rounds: Array<UploadRound<ContextVariant>>;
  problems: string[];
}

async function startApi(cloud: BenchCloudProcess, variant: ContextVariant, logDir: string): Promise<UploadServerProcess> {
  const port = await freePort();
  return UploadServerProcess.start({
    entry: API_ENTRY,
    execArgv: [...API_PRODUCTION_FLAGS],
    env: { ...apiEnvironment(cloud), PORT: String(port), KINESIS_STREAM_NAME: `bench-${variant}`, LOG_REQUEST_CONTEXT: SETTING[variant] },
    port,
    readinessPath: '/health/ready',
    logFile: join(logDir, `${variant}.log`),
  });
}

/**
 * The two servers must differ in what is measured: with the context an upload's app line
 * carries the request's id without naming it, without the context it does not. Otherwise the
 * run compared a build with itself (say, a switch that no longer switches).
 */
function checkVariantsDiffer(logDir: string): string[] {
  const problems: string[] = [];
  for (const variant of VARIANTS) {
    const line = readFileSync(join(logDir, `${variant}.log`), 'utf8')
      .split('\n')
      .find((text) => text.includes('"msg":"upload accepted"'));
    if (line === undefined) {
      problems.push(`${variant}: no "upload accepted" line in its log`);
      continue;
    }
    const hasRequestId = 'requestId' in (JSON.parse(line) as object);
    if (hasRequestId !== (variant === 'context-on')) problems.push(`${variant}: its upload line ${hasRequestId ? 'has' : 'lacks'} requestId`);
  }
  return problems;
}

function render(results: RequestContextAbResults): string {
  const { summary, settings } = results;
  const int = (value: number) => Math.round(value).toLocaleString('en-US');
  const pct = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)} %`;
  const spread = (s: { median: number; min: number; max: number }, f: (v: number) => string) => `${f(s.median)} (${f(s.min)} … ${f(s.max)})`;
  const overhead = summary.perRoundOverheadPercent.median;
  return [
    '# Request context (nestjs-pino AsyncLocalStorage): api CPU per upload, A/B',
    '',
    `- date: ${results.date}`,
    `- command: \`${results.command}\``,
    `- machine: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB, ${results.machine.os}; node ${results.node}`,
    `- api: ${relative(REPO_ROOT, API_ENTRY)}, node ${settings.execArgv.join(' ')}, NODE_ENV=production, JSON logs to a file` +
      (results.revision ? `; commit ${results.revision.commit}${results.revision.uncommittedChanges ? ' plus uncommitted changes' : ''}` : ''),
    `- variants: the same build with LOG_REQUEST_CONTEXT=on and =off, one process each, one 4-shard stream each on one local cloud`,
    `- load: autocannon, ${settings.connections} keep-alive connections, POST /uploads with a ${settings.bodyBytes}-byte body and one valid access token, ` +
      `${settings.warmupSeconds} s warm-up then ${settings.durationSeconds} s timed per run, ${settings.rounds} rounds, the variants alternating (first one swapping every round)`,
    '',
    results.problems.length === 0 ? '**Valid run**: every request got a 202 receipt; the on variant\'s upload line carries requestId, the off variant\'s does not.' : '**INVALID RUN**:',
    ...results.problems.map((p) => `- ${p}`),
    '',
    '| api CPU per upload, median (min … max) | context off | context on |',
    '|---|---:|---:|',
    `| µs per request | ${spread(summary.microsPerRequest.a, int)} | ${spread(summary.microsPerRequest.b, int)} |`,
    `| requests/s | ${spread(results.requestsPerSecond['context-off'], int)} | ${spread(results.requestsPerSecond['context-on'], int)} |`,
    '',
    `Context on over off: **${pct(overhead)}** CPU per upload (median of the ${summary.perRoundOverheadPercent.values.length} per-round ratios; ` +
      `range ${pct(summary.perRoundOverheadPercent.min)} … ${pct(summary.perRoundOverheadPercent.max)}; ratio of the medians ${pct(summary.medianOverheadPercent)}). ` +
      `The bar was ${results.thresholdPercent} %: ${overhead < results.thresholdPercent ? 'under it' : 'not under it'}.`,
    `Other work on the machine during timed runs: ${spread(results.otherCpuPercent, (v) => `${int(v)} %`)} of a core.`,
    '',
    '| round | variant | requests/s | api CPU % | api µs/request | cloud CPU % | other CPU % |',
    '|---:|---|---:|---:|---:|---:|---:|',
    ...results.rounds.map(
      (r) => `| ${r.round} | ${r.variant} | ${int(r.requestsPerSecond)} | ${int(r.serverCpuPercent)} | ${int(r.serverCpuMicrosPerRequest)} | ${int(r.cloudCpuPercent)} | ${int(r.otherCpuPercent)} |`,
    ),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // More rounds than bench:upload: the difference looked for is a few %, single runs vary by tens of %.
  const settings = settingsFromArgs(process.argv.slice(2), { rounds: 8 });
  const logDir = mkdtempSync(join(tmpdir(), 'bench-request-context-'));
  console.log(`starting the local cloud (logs in ${logDir})…`);
  const cloud = await BenchCloudProcess.start(VARIANTS.map((variant) => `bench-${variant}`), baseEnvironment(), join(logDir, 'cloud.log'));
  const servers: Partial<Record<ContextVariant, UploadServerProcess>> = {};
  const stopAll = async () => {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
    await cloud.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll().finally(() => process.exit(130)));
  try {
    for (const variant of VARIANTS) servers[variant] = await startApi(cloud, variant, logDir);
    const body = randomBytes(BODY_BYTES);
    const ledgers = {} as Record<ContextVariant, ServerLedger>;
    for (const variant of VARIANTS) {
      const server = servers[variant]!;
      ledgers[variant] = { server, receipts: new Set([await preflight(variant, server.port, cloud.accessToken, body)]), loadRuns: 0 };
    }
    const outcome = await runRounds(settings, ledgers, cloud, { accessTokens: cloud.accessTokens, body });
    const results: RequestContextAbResults = {
      date: new Date().toISOString(),
      command: commandLine('bench/upload/request-context-ab.main.ts'),
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${type()} ${release()}` },
      node: process.version,
      revision: sourceRevision(REPO_ROOT),
      settings: { ...settings, bodyBytes: BODY_BYTES, execArgv: [...API_PRODUCTION_FLAGS] },
      summary: summarizeCpuAb(outcome.rounds, 'context-off', 'context-on'),
      requestsPerSecond: {
        'context-off': spreadOf(outcome.rounds.filter((r) => r.variant === 'context-off').map((r) => r.requestsPerSecond)),
        'context-on': spreadOf(outcome.rounds.filter((r) => r.variant === 'context-on').map((r) => r.requestsPerSecond)),
      },
      otherCpuPercent: spreadOf(outcome.rounds.map((r) => r.otherCpuPercent)),
      thresholdPercent: THRESHOLD_PERCENT,
      rounds: outcome.rounds,
      problems: [...outcome.problems, ...checkVariantsDiffer(logDir)],
    };
    writeBenchResults({ out: settings.out, name: 'request-context', results, markdown: render(results), problems: results.problems, logDir });
  } catch (error) {
    printLogTails(logDir, ['cloud', ...VARIANTS]);
    throw error;
  } finally {
    await stopAll();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
