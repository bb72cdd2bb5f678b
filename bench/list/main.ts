// `npm run bench:list` (nest build api, then tsx bench/list/main.ts [--seconds S] [--rate R]
// [--uploads N] [--out DIR]): the latency of `GET /uploads?limit=25` at a fixed rate (open loop:
// request i goes out at i/R s whatever the earlier ones are doing, so a slow answer cannot hide
// the ones queued behind it), at loopback and at the local cloud's AWS profile side by side.
// The built api, one process per profile, production settings; the demo user owns N uploads,
// each with the api's pending item and the worker's stored item, as in production. Writes
// <out>/list.json and <out>/list.md (default bench/results/).
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { createDynamoDbDocumentClient } from '@lib/aws';
import { UploadStatusBatcher, UploadStatusRepository, uploadFactsFrom } from '@lib/upload-status';
import type { LocalCloudProfile } from '../../tools/local-cloud/local-cloud.options';
import { summarize } from '../auth/latency.stats';
import { commandLine, printLogTails, writeBenchResults } from '../shared/bench-run';
import { BenchCloudProcess } from '../upload/bench-cloud.process';
import { API_ENTRY, API_PRODUCTION_FLAGS, apiEnvironment, baseEnvironment } from '../upload/bench-servers';
import { REPO_ROOT } from '../upload/bench-settings';
import { freePort } from '../../tools/local-cloud/ports';
import { sourceRevision } from '../upload/source-revision';
import { UploadServerProcess } from '../upload/upload-server.process';

const PROFILES: readonly LocalCloudProfile[] = ['loopback', 'aws'];
const AWS_PROFILE_SEED = 20261207;
const PAGE_SIZE = 25;
const STREAM = 'bench-list';

interface ProfileResult {
  profile: LocalCloudProfile;
  requests: number;
  /** Answers other than a 200 with a full page, by status. */
  failures: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Requests actually sent per second (the schedule's rate unless the client fell behind). */
  achievedRate: number;
}

function settingsFromArgs() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '20' },
      rate: { type: 'string', default: '50' },
      uploads: { type: 'string', default: '200' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench', 'results') },
    },
  });
  return { seconds: Number(values.seconds), rate: Number(values.rate), uploads: Number(values.uploads), out: values.out! };
}

/** The demo user's uploads, written as the api and the worker write them (pending, then stored). */
async function seedUploads(cloud: BenchCloudProcess, count: number): Promise<void> {
  const claims = JSON.parse(Buffer.from(cloud.accessToken.split('.')[1], 'base64url').toString('utf8')) as { sub: string; username: string };
  const outputs = cloud.outputsFor('loopback');
  // The SDK reads credentials from the environment; the stand-ins take the local ones.
  process.env.AWS_ACCESS_KEY_ID ??= outputs.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= outputs.credentials.secretAccessKey;
  const dynamodb = createDynamoDbDocumentClient({ region: outputs.region, endpoints: outputs.endpoints });
  const batcher = new UploadStatusBatcher(dynamodb, outputs.uploadsTable);
  const statuses = new UploadStatusRepository(dynamodb, outputs.uploadsTable);
  const start = Date.now() - count * 1000;
  try {
    await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const id = randomUUID();
        const event = {
          id,
          file_key: `uploads/${id}.txt`,
          owner: { sub: claims.sub, username: claims.username },
          content_type: 'text/plain',
          size: 1024,
          sha256: '0'.repeat(64),
          original_name: `file-${i}.txt`,
          accepted_at: new Date(start + i * 1000).toISOString(),
        };
        const facts = uploadFactsFrom(event, event.accepted_at);
        await batcher.writePending(facts, 'bench');
        await statuses.recordStored(facts);
      }),
    );
    await batcher.flush();
  } finally {
    dynamodb.destroy();
  }
}

/** `rate` requests a second for `seconds`, each sent on schedule; latencies in µs. */
async function openLoop(port: number, token: string, rate: number, seconds: number): Promise<Omit<ProfileResult, 'profile'>> {
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total);
  const failures: Record<string, number> = {};
  const url = `http://127.0.0.1:${port}/uploads?limit=${PAGE_SIZE}`;
  const started = performance.now();
  const requests = Array.from({ length: total }, async (_, i) => {
    const due = started + (i * 1000) / rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    // Measured from when the request was due: a late send counts against the latency.
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } }).catch(() => undefined);
    const body = response?.ok ? ((await response.json()) as { items: unknown[] }) : undefined;
    latencies[i] = (performance.now() - due) * 1000;
    if (body?.items.length !== PAGE_SIZE) failures[String(response?.status ?? 'no answer')] = (failures[String(response?.status ?? 'no answer')] ?? 0) + 1;
  });
  await Promise.all(requests);
  const elapsed = (performance.now() - started) / 1000;
  const summary = summarize(latencies);
  return { requests: total, failures, p50Ms: summary.p50 / 1000, p99Ms: summary.p99 / 1000, maxMs: summary.max / 1000, achievedRate: total / elapsed };
}

async function main(): Promise<void> {
  const settings = settingsFromArgs();
  if (!existsSync(API_ENTRY)) throw new Error(`${relative(REPO_ROOT, API_ENTRY)} is missing: run nest build api (npm run bench:list builds it)`);
  const logDir = mkdtempSync(join(tmpdir(), 'bench-list-'));
  console.log(`starting the local cloud with its AWS profile (logs in ${logDir})…`);
  const cloud = await BenchCloudProcess.start([{ name: STREAM, shards: 1 }], baseEnvironment(), join(logDir, 'cloud.log'), { profile: 'aws', seed: AWS_PROFILE_SEED });
  const results: ProfileResult[] = [];
  const problems: string[] = [];
  try {
    await seedUploads(cloud, settings.uploads);
    for (const profile of PROFILES) {
      const port = await freePort();
      const api = await UploadServerProcess.start({
        execArgv: [...API_PRODUCTION_FLAGS],
        entry: API_ENTRY,
        env: { ...apiEnvironment(cloud, profile), KINESIS_STREAM_NAME: STREAM, PORT: String(port) },
        port,
        readinessPath: '/health/ready',
        logFile: join(logDir, `api-${profile}.log`),
      });
      try {
        // A few requests first: the first ones pay for connections and lazy initialisation.
        await openLoop(port, cloud.accessToken, 10, 1);
        const result = { profile, ...(await openLoop(port, cloud.accessToken, settings.rate, settings.seconds)) };
        console.log(`${profile}: p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, failures ${JSON.stringify(result.failures)}`);
        if (Object.keys(result.failures).length > 0) problems.push(`${profile}: ${JSON.stringify(result.failures)}`);
        results.push(result);
      } finally {
        await api.stop();
      }
    }
  } catch (error) {
    printLogTails(logDir, ['cloud', ...PROFILES.map((profile) => `api-${profile}`)]);
    throw error;
  } finally {
    await cloud.stop();
  }
  const report = {
    date: new Date().toISOString(),
    command: commandLine('bench/list/main.ts'),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), os: `${type()} ${release()}` },
    node: process.version,
    revision: sourceRevision(REPO_ROOT),
    settings: { ...settings, pageSize: PAGE_SIZE, awsProfileSeed: AWS_PROFILE_SEED },
    results,
    problems,
  };
  writeBenchResults({ out: settings.out, name: 'list', results: report, markdown: renderMarkdown(report), problems, logDir });
}

function renderMarkdown(report: { date: string; command: string; node: string; machine: { cpu: string; cores: number }; settings: ReturnType<typeof settingsFromArgs> & { awsProfileSeed: number }; results: ProfileResult[]; problems: string[] }): string {
  const row = (r: ProfileResult) =>
    `| ${r.profile} | ${r.requests} | ${r.achievedRate.toFixed(1)} | ${r.p50Ms.toFixed(1)} | **${r.p99Ms.toFixed(1)}** | ${r.maxMs.toFixed(1)} | ${Object.entries(r.failures).map(([s, n]) => `${n}×${s}`).join(', ') || 'none'} |`;
  return [
    `# GET /uploads?limit=${PAGE_SIZE} at ${report.settings.rate} requests/s`,
    '',
    `- date: ${report.date}; command: \`${report.command}\`; node ${report.node}; ${report.machine.cpu}, ${report.machine.cores} cores`,
    `- the built api, production settings, one process per profile; open loop: ${report.settings.rate} requests/s for ${report.settings.seconds} s, each timed from when it was due;`,
    `  the demo user owns ${report.settings.uploads} stored uploads (two index items each); a page is one Query of the owner index`,
    `- aws: the local cloud's AWS profile (seed ${report.settings.awsProfileSeed}), DynamoDB answering at AWS-like latencies`,
    '',
    '| profile | requests | sent/s | p50 ms | p99 ms | max ms | failures |',
    '|---|---|---|---|---|---|---|',
    ...report.results.map(row),
    '',
    ...(report.problems.length > 0 ? [`Problems: ${report.problems.join('; ')}`, ''] : []),
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
