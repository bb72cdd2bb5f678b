import { randomUUID } from 'node:crypto';
import { DescribeStreamSummaryCommand, ListShardsCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbDocumentClient } from '@lib/aws';
import { LeaseManager, type Lease } from '@lib/kinesis';
import { e2eEnvironment, waitFor } from '../../../test-kit';
import { createStream, localAwsOptions, localKinesisClient, localS3Client } from '../../../test-kit/aws';
import { DeliveryLedger } from './support/delivery-ledger';
import { fileEvents, putFileEvents, type FileEvent } from './support/file-events';
import { checkStoredObjects } from './support/stored-objects';
import { WorkerProcess, type ProcessExit } from './support/worker.process';

/** Events per scenario (FAULT_EVENTS overrides it, e.g. for a quick try; the issue asks for 10,000). */
const EVENT_COUNT = Number(process.env.FAULT_EVENTS ?? 10_000);
/** Published before the workers start; the rest after the split, so the child shards carry records too. */
const PUBLISHED_FIRST = Math.round(EVENT_COUNT * 0.8);
/**
 * How soon a SIGKILLed worker's leases can be taken over. Above the transport's 10 s shard sync on
 * purpose: a handed-over lease waits for its new owner's next sync, and a shorter lease expires
 * first and is taken back, so a late worker never gets a shard (lease-handoff.fault-spec.ts
 * reproduces it). FAULT_LEASE_DURATION_MS=3000 runs this suite with the short lease.
 */
const LEASE_DURATION_MS = Number(process.env.FAULT_LEASE_DURATION_MS ?? 15_000);
/** Deadline for all events to be stored once the last ones are published. */
const DRAIN_TIMEOUT_MS = 150_000;

type StopSignal = 'SIGKILL' | 'SIGTERM';

interface ScenarioResult {
  streamName: string;
  events: FileEvent[];
  ledger: DeliveryLedger;
  victim: WorkerProcess;
  victimExit: ProcessExit;
  /** The victim's leases of this stream right after it ended. */
  victimLeasesAfterStop: Lease[];
  survivorExits: Array<[string, ProcessExit]>;
  workers: WorkerProcess[];
  timeline: string[];
}

/**
 * Issue 5, item 8: worker processes (the real main.ts) on a 4-shard stream of their own, with
 * 10,000 `file.uploaded` events. Three workers start; at ~30% stored the busiest is stopped
 * with SIGKILL (A) or SIGTERM (B); at ~45% a fourth joins; at ~55% a shard is split and the
 * last 20% of the events are published (some land on its children). Then every upload must be
 * in S3 with its bytes. After SIGKILL, records handled but not checkpointed are delivered again
 * (counted and printed); after SIGTERM the stopping worker finishes, checkpoints and releases
 * its leases, so nothing is delivered twice.
 */
describe('worker processes under SIGKILL / SIGTERM, scaling and a shard split (faults)', () => {
  const env = e2eEnvironment();
  let kinesis: KinesisClient;
  let s3: S3Client;
  let dynamodb: DynamoDBDocumentClient;
  const started: WorkerProcess[] = [];

  beforeAll(() => {
    kinesis = localKinesisClient(env);
    s3 = localS3Client(env);
    dynamodb = createDynamoDbDocumentClient(localAwsOptions(env));
  });

  afterEach(async () => {
    // A failed scenario leaves its workers running; they must not outlive it.
    await Promise.all(started.splice(0).map((worker) => worker.kill('SIGKILL')));
  });

  afterAll(() => {
    kinesis?.destroy();
    s3?.destroy();
    dynamodb?.destroy();
  });

  async function runScenario(stopSignal: StopSignal): Promise<ScenarioResult> {
    const t0 = Date.now();
    const timeline: string[] = [];
    const mark = (what: string) => timeline.push(`${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${what}`);
    const streamName = `fault-scaling-${stopSignal.toLowerCase()}-${randomUUID().slice(0, 8)}`;
    await createStream(env, streamName, 4);
    const events = fileEvents(EVENT_COUNT, env.users.demo.username);
    const ledger = new DeliveryLedger(new Set(events.map((e) => e.event.id)));
    const perShard = await putFileEvents(kinesis, streamName, events.slice(0, PUBLISHED_FIRST));
    mark(`published ${PUBLISHED_FIRST} events: ${[...perShard].map(([shard, n]) => `${shard.slice(-4)}=${n}`).join(' ')}`);

    const workerEnv = { ...env.appEnvironment, KINESIS_STREAM_NAME: streamName, LEASE_DURATION_MS: String(LEASE_DURATION_MS) };
    const startWorker = async (name: string) => {
      const worker = await WorkerProcess.start(name, workerEnv, ledger.record);
      started.push(worker);
      mark(`${name} started (pid ${worker.pid}), ${ledger.storedCount} stored`);
      return worker;
    };
    const storedAtLeast = (fraction: number) =>
      waitFor(() => ledger.storedCount >= EVENT_COUNT * fraction, {
        timeoutMs: DRAIN_TIMEOUT_MS,
        intervalMs: 20,
        description: `${fraction * 100}% of ${EVENT_COUNT} uploads stored (${ledger.storedCount} so far)`,
      });

    const workers = await Promise.all(['worker-1', 'worker-2', 'worker-3'].map(startWorker));

    await storedAtLeast(0.3);
    // The busiest one: it surely holds leases and has records in flight.
    const deliveries = ledger.byWorker();
    const victim = workers.reduce((a, b) => ((deliveries[a.name]?.deliveries ?? 0) >= (deliveries[b.name]?.deliveries ?? 0) ? a : b));
    mark(`${stopSignal} → ${victim.name} (${deliveries[victim.name]?.deliveries ?? 0} stored by it), ${ledger.storedCount} stored`);
    const victimExit = await victim.kill(stopSignal);
    mark(`${victim.name} ended (${victimExit.signal ?? `code ${victimExit.code}`}), ${ledger.storedCount} stored`);
    const observer = new LeaseManager({ dynamodb, tableName: env.leaseTable, streamName, workerId: 'fault-observer', leaseDurationMs: LEASE_DURATION_MS });
    const victimLeasesAfterStop = (await observer.list()).filter((lease) => lease.owner === victim.name);

    await storedAtLeast(0.45);
    workers.push(await startWorker('worker-4'));

    await storedAtLeast(0.55);
    const split = await splitAnOpenShard(kinesis, streamName);
    mark(`split ${split} (ACTIVE again), ${ledger.storedCount} stored`);
    const afterSplit = await putFileEvents(kinesis, streamName, events.slice(PUBLISHED_FIRST));
    mark(`published the last ${EVENT_COUNT - PUBLISHED_FIRST}: ${[...afterSplit].map(([shard, n]) => `${shard.slice(-4)}=${n}`).join(' ')}`);

    await waitFor(() => ledger.missing().length === 0, {
      timeoutMs: DRAIN_TIMEOUT_MS,
      intervalMs: 50,
      description: `all ${EVENT_COUNT} uploads logged as stored (${ledger.storedCount} so far)`,
    });
    mark(`all ${EVENT_COUNT} stored (${ledger.deliveryCount} deliveries)`);

    const survivors = workers.filter((worker) => worker !== victim);
    const survivorExits = await Promise.all(survivors.map(async (worker) => [worker.name, await worker.kill('SIGTERM')] as [string, ProcessExit]));
    started.splice(0);
    mark('survivors stopped with SIGTERM');
    return { streamName, events, ledger, victim, victimExit, victimLeasesAfterStop, survivorExits, workers, timeline };
  }

  /** Checks S3 and prints the numbers; returns the duplicates for the caller's assertion. */
  async function verifyAndReport(stopSignal: StopSignal, result: ScenarioResult): Promise<number> {
    const { events, ledger, timeline } = result;
    const verifyStart = Date.now();
    const stored = await checkStoredObjects(s3, env.bucket, events.map((e) => e.event));
    timeline.push(`(S3 check of ${stored.checked} objects, ${stored.bytesCompared} read back: ${((Date.now() - verifyStart) / 1000).toFixed(1)} s)`);
    const duplicates = ledger.duplicates();
    const byWorker = ledger.byWorker();
    const lines = [
      `worker fault scenario ${stopSignal} on ${result.streamName} (lease duration ${LEASE_DURATION_MS} ms)`,
      `events ${events.length}, stored ${ledger.storedCount}, deliveries ${ledger.deliveryCount}, ` +
        `duplicates ${duplicates.length} uploads (${ledger.deliveryCount - ledger.storedCount} extra deliveries), ` +
        `S3 problems ${stored.problems.length}`,
      ...timeline,
      'per worker: deliveries (by shard); lease handoffs asked for / handed over; leases lost:',
      ...result.workers.map((worker) => {
        const { deliveries = 0, shards = {} } = byWorker[worker.name] ?? {};
        const count = (pattern: RegExp) => worker.lines.filter((line) => pattern.test(line)).length;
        return (
          `  ${worker.name}: ${deliveries} (${Object.entries(shards).map(([shard, n]) => `${shard.slice(-4)}=${n}`).join(' ')}); ` +
          `asked ${count(/asked \S+ to hand its lease over/)} / handed over ${count(/handing the lease over/)}; lost ${count(/lease lost/)}`
        );
      }),
      ...duplicates.slice(0, 5).map(([id, deliveries]) => `  duplicate ${id}: ${deliveries.map((d) => `${d.worker} ${d.shardId.slice(-4)}/${d.sequenceNumber.slice(-6)}`).join(', ')}`),
    ];
    console.info(lines.join('\n'));
    expect(ledger.strangers()).toEqual([]);
    expect(stored.problems.slice(0, 10)).toEqual([]);
    return duplicates.length;
  }

  it(
    'SIGKILL: loses nothing (every upload stored with its bytes), duplicates counted',
    async () => {
      const result = await runScenario('SIGKILL');
      expect(result.victimExit.signal).toBe('SIGKILL');
      await verifyAndReport('SIGKILL', result);
      for (const [name, exit] of result.survivorExits) expect({ name, ...exit }).toEqual({ name, code: null, signal: 'SIGTERM' });
    },
    5 * 60_000,
  );

  it(
    'SIGTERM: loses nothing and delivers nothing twice; the stopped worker gives its leases back',
    async () => {
      const result = await runScenario('SIGTERM');
      // Nest's shutdown hooks close the app, then re-raise the signal: SIGTERM, not our SIGKILL fallback.
      expect(result.victimExit).toEqual({ code: null, signal: 'SIGTERM' });
      expect(result.victimLeasesAfterStop.map((lease) => lease.shardId)).toEqual([]);
      const duplicates = await verifyAndReport('SIGTERM', result);
      expect(duplicates).toBe(0);
      for (const [name, exit] of result.survivorExits) expect({ name, ...exit }).toEqual({ name, code: null, signal: 'SIGTERM' });
    },
    5 * 60_000,
  );
});

/** Splits the first open shard at the middle of its hash range; resolves when the stream is ACTIVE again. */
async function splitAnOpenShard(kinesis: KinesisClient, streamName: string): Promise<string> {
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const open = Shards.find((shard) => shard.SequenceNumberRange?.EndingSequenceNumber === undefined);
  if (!open?.ShardId || !open.HashKeyRange) throw new Error(`no open shard to split in ${streamName}`);
  const start = BigInt(open.HashKeyRange.StartingHashKey!);
  const end = BigInt(open.HashKeyRange.EndingHashKey!);
  await kinesis.send(
    new SplitShardCommand({ StreamName: streamName, ShardToSplit: open.ShardId, NewStartingHashKey: ((start + end + 1n) / 2n).toString() }),
  );
  await waitFor(
    async () =>
      (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }))).StreamDescriptionSummary?.StreamStatus === 'ACTIVE',
    { timeoutMs: 10_000, description: `${streamName} ACTIVE after splitting ${open.ShardId}` },
  );
  return open.ShardId;
}
