// `npm run bench:inline` (nest build api, then tsx bench/inline/main.ts [--seconds S]
// [--connections C] [--out DIR]): how many uploads one Kinesis shard takes per second at the
// local cloud's AWS profile (AWS-like latencies and Kinesis' per-shard limits: 1 MiB/s and
// 1,000 records/s written), for files of 1 KiB, 64 KiB, 256 KiB and 1 MiB sent inline (the
// bytes inside the event) and staged (the bytes to S3 incoming/, a ~1 KiB reference in the
// event). The built api, one process per case, production settings, a fresh 1-shard stream per
// case. Writes <out>/inline.json and <out>/inline.md (default bench/results/).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { INLINE_UPLOAD_CAPACITY } from '../../apps/api/src/config/api-environment.schema';
import { commandLine, writeBenchResults } from '../shared/bench-run';
import { BenchCloudProcess } from '../upload/bench-cloud.process';
import { API_ENTRY, API_PRODUCTION_FLAGS, apiEnvironment, baseEnvironment } from '../upload/bench-servers';
import { REPO_ROOT } from '../upload/bench-settings';
import { freePort } from '../../tools/local-cloud/ports';
import { sourceRevision } from '../upload/source-revision';
import { runUploadLoad } from '../upload/upload-load.runner';
import { UploadServerProcess } from '../upload/upload-server.process';

const KIB = 1024;
const SIZES = [1 * KIB, 64 * KIB, 256 * KIB, 1024 * KIB];
const MODES = ['inline', 'staged'] as const;
type Mode = (typeof MODES)[number];
const AWS_PROFILE_SEED = 20261207;

interface CaseResult {
  bytes: number;
  mode: Mode;
  /** Why the case was not run (a file that cannot travel inline). */
  skipped?: string;
  uploadsPerSecond?: number;
  /** Uploads/s × file size: how much file data the shard carried (inline) or referenced (staged). */
  fileMiBPerSecond?: number;
  statuses?: Record<string, number>;
  p50Ms?: number;
  p99Ms?: number;
}

function settingsFromArgs() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '32' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results') },
    },
  });
  return { seconds: Number(values.seconds), connections: Number(values.connections), out: values.out! };
}

async function main(): Promise<void> {
  const settings = settingsFromArgs();
  if (!existsSync(API_ENTRY)) throw new Error(`${relative(REPO_ROOT, API_ENTRY)} is missing: run nest build api (npm run bench:inline builds it)`);
  const logDir = mkdtempSync(join(tmpdir(), 'bench-inline-'));
  console.log(`starting the local cloud with its AWS profile (logs in ${logDir})…`);
  const streamOf = (bytes: number, mode: Mode) => `bench-inline-${bytes / KIB}k-${mode}`;
  const cloud = await BenchCloudProcess.start(
    SIZES.flatMap((bytes) => MODES.map((mode) => ({ name: streamOf(bytes, mode), shards: 1 }))),
    baseEnvironment(),
    join(logDir, 'cloud.log'),
    // As many users as connections: each client is someone else, as on a real api (per-user limits apply).
    { profile: 'aws', seed: AWS_PROFILE_SEED, users: settings.connections },
  );
  const results: CaseResult[] = [];
  try {
    for (const bytes of SIZES) {
      for (const mode of MODES) {
        if (mode === 'inline' && bytes > INLINE_UPLOAD_CAPACITY) {
          results.push({ bytes, mode, skipped: `over ${Math.floor(INLINE_UPLOAD_CAPACITY / KIB)} KiB, a file's base64 does not fit one 1 MiB record` });
          continue;
        }
        const port = await freePort();
        const api = await UploadServerProcess.start({
          execArgv: [...API_PRODUCTION_FLAGS],
          entry: API_ENTRY,
          env: {
            ...apiEnvironment(cloud, 'aws'),
            KINESIS_STREAM_NAME: streamOf(bytes, mode),
            // Inline: everything up to the file's size travels in the event; staged: nothing does.
            UPLOAD_INLINE_MAX_BYTES: mode === 'inline' ? String(bytes) : '1',
            PORT: String(port),
          },
          port,
          readinessPath: '/health/ready',
          logFile: join(logDir, `api-${bytes / KIB}k-${mode}.log`),
        });
        try {
          const load = await runUploadLoad({ port, connections: settings.connections, durationSeconds: settings.seconds, accessTokens: cloud.accessTokens, body: randomBytes(bytes) });
          const accepted = load.acceptedIds.length;
          const latencies = [...load.latenciesMicros].sort((a, b) => a - b);
          const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(p * latencies.length) - 1))] / 1000;
          const result: CaseResult = {
            bytes,
            mode,
            uploadsPerSecond: accepted / load.durationSeconds,
            fileMiBPerSecond: (accepted * bytes) / load.durationSeconds / (KIB * KIB),
            statuses: load.statuses,
            p50Ms: at(0.5),
            p99Ms: at(0.99),
          };
          console.log(`${bytes / KIB} KiB ${mode}: ${result.uploadsPerSecond!.toFixed(0)} uploads/s per shard ${JSON.stringify(load.statuses)}`);
          results.push(result);
        } finally {
          await api.stop();
        }
      }
    }
  } finally {
    await cloud.stop();
  }
  const report = {
    date: new Date().toISOString(),
    command: commandLine('bench/inline/main.ts'),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${type()} ${release()}` },
    node: process.version,
    revision: sourceRevision(REPO_ROOT),
    settings: { ...settings, awsProfileSeed: AWS_PROFILE_SEED, shards: 1 },
    results,
  };
  writeBenchResults({ out: settings.out, name: 'inline', results: report, markdown: renderMarkdown(report), problems: [], logDir });
}

function renderMarkdown(report: { date: string; command: string; node: string; machine: { cpu: string; cores: number }; settings: { seconds: number; connections: number; awsProfileSeed: number }; results: CaseResult[] }): string {
  const cell = (value: number | undefined, digits = 0) => (value === undefined ? '–' : value.toFixed(digits));
  const rows = SIZES.map((bytes) => {
    const of = (mode: Mode) => report.results.find((r) => r.bytes === bytes && r.mode === mode)!;
    const inline = of('inline');
    const staged = of('staged');
    const refused = (r: CaseResult) => Object.entries(r.statuses ?? {}).filter(([status]) => status !== '202').map(([status, n]) => `${n}×${status}`).join(', ') || 'none';
    return (
      `| ${bytes / KIB} KiB | ${inline.skipped ? `– (${inline.skipped})` : `${cell(inline.uploadsPerSecond)} (${cell(inline.fileMiBPerSecond, 2)} MiB/s; p99 ${cell(inline.p99Ms)} ms; refused: ${refused(inline)})`} | ` +
      `${cell(staged.uploadsPerSecond)} (p99 ${cell(staged.p99Ms)} ms; refused: ${refused(staged)}) |`
    );
  });
  return [
    '# Inline or staged: uploads per second per shard at the AWS profile',
    '',
    `- date: ${report.date}; command: \`${report.command}\`; node ${report.node}; ${report.machine.cpu}, ${report.machine.cores} cores`,
    `- the built api, one process per case, production settings; ${report.settings.connections} connections for ${report.settings.seconds} s; a fresh 1-shard stream per case;`,
    `  the local cloud's AWS profile (seed ${report.settings.awsProfileSeed}): Kinesis takes 1 MiB/s and 1,000 records/s per shard, S3 answers in ~25 ms`,
    '',
    '| file | inline: uploads/s per shard | staged: uploads/s per shard |',
    '|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
