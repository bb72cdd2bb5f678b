import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbDocumentClient } from '@lib/aws';
import { LeaseManager } from '@lib/kinesis';
import { e2eEnvironment, waitFor } from '../../../test-kit';
import { createStream, localAwsOptions } from '../../../test-kit/aws';
import { WorkerProcess } from './support/worker.process';

/** ServerKinesis's default shard sync interval (not configurable from the worker's environment). */
const SHARD_SYNC_INTERVAL_MS = 10_000;

/**
 * Reproduction (found by worker-scaling.fault-spec.ts): a worker that joins late gets its fair
 * share of leases only by graceful handoff. The holder hands a lease over with a fresh expiry of
 * LEASE_DURATION_MS, but the newcomer only picks it up at its next shard sync, every 10 s, about
 * 10 s after it asked. With a lease shorter than that, the handed-over lease expires first, the
 * old holder's sync takes it back as "expired", and the newcomer asks again: it never reads a
 * shard, and each round leaves the shard unread for seconds.
 */
describe('lease handoff to a worker that joins late (faults, reproduction)', () => {
  const env = e2eEnvironment();
  let dynamodb: DynamoDBDocumentClient;
  const started: WorkerProcess[] = [];

  beforeAll(() => {
    dynamodb = createDynamoDbDocumentClient(localAwsOptions(env));
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((worker) => worker.kill('SIGTERM')));
  });

  afterAll(() => dynamodb?.destroy());

  it.each([3_000, 15_000])(
    'with LEASE_DURATION_MS=%d the newcomer holds one of two leases within three shard syncs',
    async (leaseDurationMs) => {
      const streamName = `fault-handoff-${leaseDurationMs}-${randomUUID().slice(0, 8)}`;
      await createStream(env, streamName, 2);
      const workerEnv = { ...env.appEnvironment, KINESIS_STREAM_NAME: streamName, LEASE_DURATION_MS: String(leaseDurationMs) };
      const leases = new LeaseManager({ dynamodb, tableName: env.leaseTable, streamName, workerId: 'observer', leaseDurationMs });

      const first = await WorkerProcess.start('first', workerEnv, () => undefined);
      started.push(first);
      await waitFor(async () => (await first.heldLeases()) === 2, { timeoutMs: 15_000, description: 'the first worker to read both shards' });

      const newcomer = await WorkerProcess.start('newcomer', workerEnv, () => undefined);
      started.push(newcomer);
      // What it reads (its health), not who the table names: a handed-over lease names it at once.
      await waitFor(async () => (await newcomer.heldLeases()) === 1, {
        timeoutMs: 3 * SHARD_SYNC_INTERVAL_MS + leaseDurationMs,
        intervalMs: 200,
        description: 'the newcomer to hold one lease',
      }).catch((error: Error) => {
        const leaseLines = (worker: WorkerProcess) => worker.lines.filter((line) => /lease|balancing/.test(line)).map((line) => `  ${worker.name}: ${line}`);
        const table = leases.list().then((all) => all.map((l) => `  ${l.shardId}: owner ${l.owner} expires in ${l.expiresAt - Date.now()} ms`));
        return table.then((rows) => {
          throw new Error(`${error.message}\n${[...started.flatMap(leaseLines), ...rows].join('\n')}`);
        });
      });
    },
    90_000,
  );
});
