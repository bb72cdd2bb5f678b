import { summarize } from '../auth/latency.stats';
import { createLocalAwsClients } from '../../tools/local-cloud/local-aws.clients';
import { publisherEnvironmentShape } from '../../apps/api/src/config/publisher-environment.schema';
import type { BenchCloudProcess } from './bench-cloud.process';
import type { UploadBenchSettings } from './bench-settings';
import { preflight } from './preflight';
import { runSaturationLoad } from './saturation-load.runner';
import { auditProblems, auditStream } from './stream-audit';
import type { BenchServer, LatencyMillis, SaturationPhase } from './upload-bench.results';
import type { UploadServerProcess } from './upload-server.process';

const SATURATION_BODY_BYTES = 32 * 1024;
/**
 * The api at the AWS profile on a stream of one shard: 1 MiB/s written, so 32 KiB uploads
 * sent inline (about 44 KB per record once base64-encoded in the event) fill it at some 23
 * uploads/s, far below what 32 connections ask for. The stream's write capacity is exhausted
 * for the whole phase. Inline on purpose: by default a 32 KiB file is staged (its event is a
 * ~1 KiB reference), which would not fill the shard.
 */
export const SATURATION_SERVER: BenchServer = {
  name: 'ours@aws-1-shard',
  kind: 'ours',
  profile: 'aws',
  stream: 'bench-uploads-saturated',
  shards: 1,
  env: { UPLOAD_INLINE_MAX_BYTES: String(SATURATION_BODY_BYTES) },
};
/** The api's publish deadline when nothing overrides it (KINESIS_PUBLISH_DEADLINE_MS). */
const PUBLISH_DEADLINE_MS: number = publisherEnvironmentShape.KINESIS_PUBLISH_DEADLINE_MS.parse(undefined);
/** A 503 must come well before the publish deadline: a client waiting that long has been left hanging. */
const UNAVAILABLE_P99_BOUND_MS = PUBLISH_DEADLINE_MS / 5;

/** Runs the phase; `audit()` (once the server has stopped and flushed) reads the stream and returns the results. */
export async function runSaturationPhase(
  cloud: BenchCloudProcess,
  server: BenchServer,
  process: UploadServerProcess,
  settings: Pick<UploadBenchSettings, 'connections' | 'saturationSeconds'>,
): Promise<{ audit(): Promise<SaturationPhase> }> {
  const body = Buffer.alloc(SATURATION_BODY_BYTES, 'saturation ');
  const first = await preflight(server.name, process.port, cloud.accessToken, body);
  console.log(`saturation: ${server.name}, ${settings.connections} connections, ${SATURATION_BODY_BYTES / 1024} KiB uploads, ${settings.saturationSeconds} s`);
  const load = await runSaturationLoad({
    port: process.port,
    connections: settings.connections,
    durationSeconds: settings.saturationSeconds,
    accessTokens: cloud.accessTokens,
    body,
  });
  const latency = (micros: number[]): LatencyMillis | undefined => {
    if (micros.length === 0) return undefined;
    const s = summarize(Float64Array.from(micros));
    return { mean: s.mean / 1e3, p50: s.p50 / 1e3, p99: s.p99 / 1e3, max: s.max / 1e3 };
  };
  const responses = Object.values(load.statuses).reduce((sum, count) => sum + count, 0);
  const unavailable = load.statuses['503'] ?? 0;
  console.log(`  statuses ${JSON.stringify(load.statuses)}`);
  return {
    audit: async () => {
      const clients = createLocalAwsClients(cloud.outputsFor('loopback').endpoints);
      try {
        // A 503 means "not known to be in the stream": a call that timed out may still have
        // landed, so each 503 may have left a record without a receipt.
        const audit = await auditStream(clients.kinesis, server.stream, new Set([first, ...load.acceptedIds]), unavailable);
        return {
          server: server.name,
          stream: server.stream,
          shards: server.shards ?? 4,
          bodyBytes: SATURATION_BODY_BYTES,
          connections: settings.connections,
          durationSeconds: load.durationSeconds,
          statuses: load.statuses,
          requestsPerSecond: responses / load.durationSeconds,
          acceptedPerSecond: load.acceptedIds.length / load.durationSeconds,
          latencyMs: { accepted: latency(load.latenciesMicros.accepted), unavailable: latency(load.latenciesMicros.unavailable) },
          unavailableWithoutRetryAfter: load.unavailableWithoutRetryAfter,
          publishDeadlineMs: PUBLISH_DEADLINE_MS,
          audit,
        };
      } finally {
        clients.destroy();
      }
    },
  };
}

/** Every 202 in the stream, only 202s and 503s, each 503 with Retry-After, and 503s well before the deadline. */
export function saturationProblems(phase: SaturationPhase): string[] {
  const problems = auditProblems(phase.server, phase.audit);
  const others = Object.entries(phase.statuses).filter(([status]) => status !== '202' && status !== '503');
  if (others.length > 0) problems.push(`${phase.server}: answers other than 202 and 503: ${JSON.stringify(Object.fromEntries(others))}`);
  if (phase.unavailableWithoutRetryAfter > 0) problems.push(`${phase.server}: ${phase.unavailableWithoutRetryAfter} 503s without Retry-After`);
  if (!phase.statuses['503']) problems.push(`${phase.server}: no 503 at all: the stream's capacity was not exhausted`);
  const p99 = phase.latencyMs.unavailable?.p99;
  if (p99 !== undefined && p99 > UNAVAILABLE_P99_BOUND_MS) {
    problems.push(`${phase.server}: 503 p99 ${Math.round(p99)} ms, above ${UNAVAILABLE_P99_BOUND_MS} ms (a fifth of the ${PUBLISH_DEADLINE_MS} ms publish deadline)`);
  }
  return problems;
}
