import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { join } from 'node:path';
import { SINGLE_USER_LOAD } from '../../test-kit/single-user-load';
import { freePort } from '../../tools/local-cloud/ports';
import { preflight } from '../upload/preflight';
import { readCpuSeconds } from '../upload/proc-stats';
import { UploadServerProcess } from '../upload/upload-server.process';
import { runSteadyUploads } from './steady-upload.load';
import { readStoredTimes } from './stored-times.reader';
import { waitForLeases } from './worker-leases.wait';
import type { WorkerBenchCloud } from './worker-bench.cloud';
import type { LatencySummaryMs, WorkerBenchResults } from './worker-bench.results';

const STORED_TIMEOUT_MS = 60_000;
const LEASES_TIMEOUT_MS = 30_000;

/**
 * End-to-end latency: the built api (`node --max-semi-space-size=2`, one process) and the
 * built worker (one process) on one stream; a steady open-loop rate of 1 KiB uploads; for
 * each 202, the time from the 202 to the `updated_at` of its `stored` item in the
 * `file-uploads` table (set by the worker right after PutObject returned).
 */
export async function measureLatency(spec: {
  apiEntry: string;
  workerEntry: string;
  env: NodeJS.ProcessEnv;
  cloud: WorkerBenchCloud;
  dynamodb: DynamoDBDocumentClient;
  table: string;
  body: Buffer;
  ratePerSecond: number;
  seconds: number;
  /** The stream's shards: the load starts once the worker holds a lease on each. */
  shards: number;
  warmupSeconds: number;
  logDir: string;
}): Promise<NonNullable<WorkerBenchResults['latency']>> {
  const apiPort = await freePort();
  const workerPort = await freePort();
  const api = await UploadServerProcess.start({
    execArgv: ['--max-semi-space-size=2'],
    entry: spec.apiEntry,
    // One demo user sends the whole load: the api's per-user limits (100/s and 8 uploads at once
    // by default) would refuse much of it; off, as for a gateway that limits in front of the api.
    env: { ...spec.env, PORT: String(apiPort), ...SINGLE_USER_LOAD },
    port: apiPort,
    readinessPath: '/health/ready',
    logFile: join(spec.logDir, 'api.log'),
  });
  try {
    const worker = await UploadServerProcess.start({
      execArgv: [],
      entry: spec.workerEntry,
      env: { ...spec.env, WORKER_HEALTH_PORT: String(workerPort) },
      port: workerPort,
      readinessPath: '/health',
      logFile: join(spec.logDir, 'worker-e2e.log'),
    });
    try {
      // Like a deployed worker, it is warm before the traffic: it holds every lease first.
      const leasesAfterReadyMs = await waitForLeases(workerPort, spec.shards, LEASES_TIMEOUT_MS);
      await preflight('api', apiPort, spec.cloud.accessToken, spec.body);
      const pids = { api: api.pid, worker: worker.pid, s3: spec.cloud.pids.s3, cloud: spec.cloud.pids.others };
      const cpuBefore = await cpuOf(pids);
      const load = await runSteadyUploads({ port: apiPort, accessToken: spec.cloud.accessToken, body: spec.body, ratePerSecond: spec.ratePerSecond, seconds: spec.seconds });
      const cpuAfter = await cpuOf(pids);
      api.assertRunning('api');
      worker.assertRunning('worker');
      const warmupEnd = Math.min(...load.accepted.map((u) => u.sentAtMs)) + spec.warmupSeconds * 1000;
      const measured = load.accepted.filter((u) => u.sentAtMs >= warmupEnd);
      const storedAt = await readStoredTimes(spec.dynamodb, spec.table, measured.map((u) => u.id), STORED_TIMEOUT_MS);
      const stored = measured.filter((u) => storedAt.has(u.id));
      const endToEnd = stored.map((u) => storedAt.get(u.id)! - u.acceptedAtMs);
      // p50 per 5 s of sending: a lag that grows means the pipeline falls behind, a flat one is a delay.
      const windows = new Map<number, number[]>();
      for (const u of stored) {
        const window = Math.floor((u.sentAtMs - warmupEnd) / 5_000);
        windows.set(window, [...(windows.get(window) ?? []), storedAt.get(u.id)! - u.acceptedAtMs]);
      }
      const cpuPercent = (name: keyof typeof pids) => ((cpuAfter[name] - cpuBefore[name]) / load.seconds) * 100;
      return {
        endTime: 'updated_at of the upload\'s "stored" item in the file-uploads table (the worker sets it right after PutObject returns)',
        leasesAfterReadyMs,
        sent: load.sent,
        accepted: load.accepted.length,
        failures: load.failures,
        firstFailure: load.firstFailure,
        measured: measured.length,
        storedInTime: endToEnd.length,
        achievedRatePerSecond: load.sent / load.sendingSeconds,
        generatorMaxStallMs: load.generatorMaxStallMs,
        endToEndMs: summarizeMs(endToEnd),
        endToEndP50By5sMs: [...windows.entries()].sort(([a], [b]) => a - b).map(([, values]) => Math.round(summarizeMs(values).p50)),
        acceptMs: summarizeMs(measured.map((u) => u.acceptedAtMs - u.sentAtMs)),
        apiCpuPercent: cpuPercent('api'),
        workerCpuPercent: cpuPercent('worker'),
        s3CpuPercent: cpuPercent('s3'),
        cloudCpuPercent: cpuPercent('cloud') + cpuPercent('s3'),
      };
    } finally {
      await worker.stop();
    }
  } finally {
    await api.stop();
  }
}

async function cpuOf<K extends string>(pids: Record<K, number>): Promise<Record<K, number>> {
  const entries = await Promise.all(Object.entries<number>(pids).map(async ([name, pid]) => [name, await readCpuSeconds(pid)] as const));
  return Object.fromEntries(entries) as Record<K, number>;
}

/** Nearest-rank percentiles. */
export function summarizeMs(values: readonly number[]): LatencySummaryMs {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { p50: NaN, p90: NaN, p99: NaN, max: NaN, min: NaN };
  const rank = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  return { p50: rank(50), p90: rank(90), p99: rank(99), max: sorted[n - 1], min: sorted[0] };
}
