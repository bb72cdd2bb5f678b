import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ProvisionedThroughputExceededException,
  type _Record,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { LeaseLostError } from '../errors/lease-lost.error';
import type { HeldLease } from '../leases/held.lease';
import { SHARD_END } from '../leases/lease';
import { encodePacket } from '../kinesis-packet.codec';
import { aggregate } from '../aggregation/kpl-aggregation';
import { Backoff } from '@lib/group-commit';
import type { Clock } from './clock';
import { FixedWindow } from './concurrency.window';
import { RecordProcessor } from './record.processor';
import { MIN_GET_RECORDS_INTERVAL_MS, ShardConsumer, type ShardConsumerDeps, type TrimmedGap } from './shard.consumer';

const quietLogger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };

/** Virtual time that still yields to the event loop, so a runaway loop cannot starve jest. */
function virtualClock(): Clock {
  let now = 1_000_000;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += Math.max(ms, 0);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

const record = (seq: string): _Record => ({
  SequenceNumber: seq,
  PartitionKey: 'pk',
  ApproximateArrivalTimestamp: new Date(),
  Data: encodePacket({ pattern: 'p', id: seq, occurred_at: 't', headers: {}, data: seq }),
});

function fakeLease(checkpoint?: string, fail?: (position: string) => Error | undefined, checkpointArrivalMs?: number) {
  const lease = {
    shardId: 'shardId-0',
    checkpointValue: checkpoint,
    checkpointArrivalMs,
    checkpoints: [] as string[],
    arrivals: [] as Array<number | undefined>,
    async checkpoint(position: string, arrivalMs?: number) {
      const error = fail?.(position);
      if (error) throw error;
      lease.checkpoints.push(position);
      lease.arrivals.push(arrivalMs);
      lease.checkpointValue = position;
      lease.checkpointArrivalMs = arrivalMs;
      log.push(`checkpoint ${position}`);
    },
  };
  return lease;
}

let log: string[];
const kinesisClient = new KinesisClient({ region: 'us-east-1' });
const kinesis = mockClient(kinesisClient);

function consumerWith(
  lease: ReturnType<typeof fakeLease>,
  clock = virtualClock(),
  handle?: (seq: string) => Promise<void>,
  extra: Partial<ShardConsumerDeps> = {},
) {
  const processor = new RecordProcessor({
    streamName: 's',
    shardId: lease.shardId,
    hasHandler: () => true,
    dispatch: async (packet) => {
      log.push(`handle ${packet.data}`);
      await handle?.(String(packet.data));
      log.push(`handled ${packet.data}`);
    },
    deadLetters: { send: async () => undefined },
    maxAttempts: 3,
    maxRecordAgeMs: Number.POSITIVE_INFINITY,
    unknownPatternPolicy: 'dead-letter',
    backoff: new Backoff({ initialMs: 10, maxMs: 100 }),
    clock,
    logger: quietLogger,
  });
  return new ShardConsumer({
    kinesis: kinesisClient,
    streamName: 's',
    lease: lease as unknown as HeldLease,
    processor,
    idleTimeBetweenReadsMs: 200,
    maxRecordsPerCall: 1000,
    // One at a time with a checkpoint after each record, so the log shows each step in order.
    window: new FixedWindow(1),
    checkpointIntervalMs: 0,
    drainTimeoutMs: 1_000,
    backoff: new Backoff({ initialMs: 10, maxMs: 100 }),
    clock,
    logger: quietLogger,
    ...extra,
  });
}

beforeEach(() => {
  log = [];
  kinesis.reset();
  kinesis.on(GetShardIteratorCommand).resolves({ ShardIterator: 'it-0' });
});

describe('ShardConsumer', () => {
  it('starts a shard with no checkpoint at TRIM_HORIZON (never LATEST)', async () => {
    kinesis.on(GetRecordsCommand).resolves({ Records: [], NextShardIterator: undefined });
    await expect(consumerWith(fakeLease()).run(new AbortController().signal)).resolves.toBe('shard-end');
    expect(kinesis.commandCalls(GetShardIteratorCommand)[0].args[0].input).toEqual({
      StreamName: 's',
      ShardId: 'shardId-0',
      ShardIteratorType: 'TRIM_HORIZON',
    });
  });

  it('resumes after the checkpoint', async () => {
    kinesis.on(GetRecordsCommand).resolves({ Records: [], NextShardIterator: undefined });
    await consumerWith(fakeLease('42')).run(new AbortController().signal);
    expect(kinesis.commandCalls(GetShardIteratorCommand)[0].args[0].input).toMatchObject({
      ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
      StartingSequenceNumber: '42',
    });
  });

  describe('records trimmed before anyone read them', () => {
    const HOUR = 3_600_000;

    function resumeWith(arrivalAgeMs: number | undefined, retentionMs: number | undefined) {
      const clock = virtualClock();
      const gaps: TrimmedGap[] = [];
      const lease = fakeLease('42', undefined, arrivalAgeMs === undefined ? undefined : clock.now() - arrivalAgeMs);
      const consumer = consumerWith(lease, clock, undefined, { retentionMs: () => retentionMs, onGap: (gap) => gaps.push(gap) });
      return { clock, gaps, consumer, lease };
    }

    it('says so once, naming the shard and the span lost, when the checkpoint is older than the retention', async () => {
      quietLogger.error.mockClear();
      const started = virtualClock().now();
      const { gaps, consumer } = resumeWith(25 * HOUR, 24 * HOUR);
      // The first iterator expires once: the second iterator must not report the same gap again.
      kinesis
        .on(GetRecordsCommand)
        .rejectsOnce(new ExpiredIteratorException({ message: 'expired', $metadata: {} }))
        .resolves({ Records: [], NextShardIterator: undefined });
      await expect(consumer.run(new AbortController().signal)).resolves.toBe('shard-end');
      expect(gaps).toEqual([{ shardId: 'shardId-0', fromMs: started - 25 * HOUR, toMs: started - 24 * HOUR }]);
      expect(quietLogger.error).toHaveBeenCalledTimes(1);
      expect(quietLogger.error.mock.calls[0][0]).toMatch(/^shardId-0: records lost: .*trimmed unread \(60 min\)/);
    });

    it.each([
      ['the checkpoint is within the retention', 23 * HOUR, 24 * HOUR],
      ['the checkpoint\'s arrival is unknown (written before it was recorded)', undefined, 24 * HOUR],
      ['the retention is not known yet', 25 * HOUR, undefined],
    ])('says nothing when %s', async (_label, age, retention) => {
      const { gaps, consumer } = resumeWith(age, retention);
      kinesis.on(GetRecordsCommand).resolves({ Records: [], NextShardIterator: undefined });
      await consumer.run(new AbortController().signal);
      expect(gaps).toEqual([]);
    });

    it('records each checkpointed record\'s arrival with the checkpoint', async () => {
      const arrived = new Date('2026-12-01T10:00:00Z');
      kinesis.on(GetRecordsCommand).resolvesOnce({ Records: [{ ...record('7'), ApproximateArrivalTimestamp: arrived }], NextShardIterator: undefined });
      const lease = fakeLease();
      await consumerWith(lease).run(new AbortController().signal);
      expect(lease.checkpoints).toEqual(['7', SHARD_END]);
      expect(lease.arrivals[0]).toBe(arrived.getTime());
    });
  });

  it('handles records in order and checkpoints each only after its handler finished', async () => {
    kinesis
      .on(GetRecordsCommand)
      .resolvesOnce({ Records: [record('1'), record('2')], NextShardIterator: 'it-1' })
      .resolvesOnce({ Records: [record('3')], NextShardIterator: undefined });
    const lease = fakeLease();
    await expect(consumerWith(lease).run(new AbortController().signal)).resolves.toBe('shard-end');
    // Handlers run one at a time; each checkpoint follows its handler (the next record may
    // start while the checkpoint is written: PageRunner does not wait for it mid-page).
    expect(log.filter((l) => l.startsWith('handle'))).toEqual(['handle 1', 'handled 1', 'handle 2', 'handled 2', 'handle 3', 'handled 3']);
    expect(lease.checkpoints).toEqual(['1', '2', '3', SHARD_END]);
    for (const n of ['1', '2', '3']) expect(log.indexOf(`checkpoint ${n}`)).toBeGreaterThan(log.indexOf(`handled ${n}`));
    // The page's last checkpoint lands before the next page is read.
    expect(log.indexOf('checkpoint 2')).toBeLessThan(log.indexOf('handle 3'));
    expect(kinesis.commandCalls(GetRecordsCommand).map((c) => c.args[0].input.ShardIterator)).toEqual(['it-0', 'it-1']);
  });

  it('gets a new iterator after the checkpoint when the old one expired', async () => {
    kinesis
      .on(GetRecordsCommand)
      .resolvesOnce({ Records: [record('1')], NextShardIterator: 'it-1' })
      .rejectsOnce(new ExpiredIteratorException({ message: 'expired', $metadata: {} }))
      .resolvesOnce({ Records: [record('2')], NextShardIterator: undefined });
    await consumerWith(fakeLease()).run(new AbortController().signal);
    const iterators = kinesis.commandCalls(GetShardIteratorCommand).map((c) => c.args[0].input);
    expect(iterators[1]).toMatchObject({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: '1' });
    expect(log.filter((l) => l.startsWith('handled'))).toEqual(['handled 1', 'handled 2']);
  });

  it('waits out throttling and network errors and carries on', async () => {
    kinesis
      .on(GetRecordsCommand)
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }))
      .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .resolvesOnce({ Records: [record('1')], NextShardIterator: undefined });
    await expect(consumerWith(fakeLease()).run(new AbortController().signal)).resolves.toBe('shard-end');
    expect(log).toContain('checkpoint 1');
  });

  it('never calls GetRecords more than 5 times a second, and idles after an empty read', async () => {
    const clock = virtualClock();
    const callTimes: number[] = [];
    let calls = 0;
    kinesis.on(GetRecordsCommand).callsFake(() => {
      callTimes.push(clock.now());
      calls += 1;
      if (calls === 30) return { Records: [], NextShardIterator: undefined };
      // Alternate full and empty reads: full ones are paced by the limit, empty ones idle.
      return { Records: calls % 2 ? [record(String(calls))] : [], NextShardIterator: `it-${calls}` };
    });
    await consumerWith(fakeLease(), clock).run(new AbortController().signal);
    const gaps = callTimes.slice(1).map((t, i) => t - callTimes[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(MIN_GET_RECORDS_INTERVAL_MS);
  });

  it('stops without checkpointing when the lease is lost', async () => {
    kinesis.on(GetRecordsCommand).resolves({ Records: [record('1'), record('2')], NextShardIterator: 'it-1' });
    const lease = fakeLease(undefined, () => new LeaseLostError('shardId-0'));
    await expect(consumerWith(lease).run(new AbortController().signal)).resolves.toBe('lease-lost');
    expect(lease.checkpoints).toEqual([]);
    // At most the record already started while the refused checkpoint was written runs.
    expect(log.slice(0, 2)).toEqual(['handle 1', 'handled 1']);
    expect(log.filter((l) => l.startsWith('handled')).length).toBeLessThanOrEqual(2);
    expect(kinesis.commandCalls(GetRecordsCommand)).toHaveLength(1);
  });

  it('reads the next page while the current one is handled, and handles it only after', async () => {
    kinesis
      .on(GetRecordsCommand)
      .resolvesOnce({ Records: [record('1'), record('2')], NextShardIterator: 'it-1' })
      .resolvesOnce({ Records: [record('3')], NextShardIterator: undefined });
    const lease = fakeLease();
    const readsWhileHandling: number[] = [];
    const consumer = consumerWith(lease, virtualClock(), async (seq) => {
      if (seq !== '2') return;
      // Record 2 is handled while the read-ahead for page 2 goes out (it would never come without).
      const deadline = Date.now() + 2_000;
      while (kinesis.commandCalls(GetRecordsCommand).length < 2 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
      readsWhileHandling.push(kinesis.commandCalls(GetRecordsCommand).length);
    });
    await expect(consumer.run(new AbortController().signal)).resolves.toBe('shard-end');
    expect(readsWhileHandling).toEqual([2]);
    expect(kinesis.commandCalls(GetRecordsCommand)[1].args[0].input.ShardIterator).toBe('it-1');
    expect(log.filter((l) => !l.startsWith('handle '))).toEqual(['handled 1', 'checkpoint 1', 'handled 2', 'checkpoint 2', 'handled 3', 'checkpoint 3', `checkpoint ${SHARD_END}`]);
  });

  it('on stop, lets the in-flight handler finish and checkpoint, then reads no more', async () => {
    const controller = new AbortController();
    kinesis.on(GetRecordsCommand).resolves({ Records: [record('1'), record('2')], NextShardIterator: 'it-1' });
    const lease = fakeLease();
    const consumer = consumerWith(lease, virtualClock(), async (seq) => {
      if (seq === '1') controller.abort();
    });
    await expect(consumer.run(controller.signal)).resolves.toBe('stopped');
    expect(log).toEqual(['handle 1', 'handled 1', 'checkpoint 1']);
    expect(kinesis.commandCalls(GetRecordsCommand)).toHaveLength(1);
  });

  describe('KPL aggregated records', () => {
    const aggregatedRecord = (seq: string, subs: string[]): _Record => ({
      SequenceNumber: seq,
      PartitionKey: 'agg',
      ApproximateArrivalTimestamp: new Date(),
      Data: aggregate(
        subs.map((sub) => ({ partitionKey: `k-${sub}`, data: encodePacket({ pattern: 'p', id: sub, occurred_at: 't', headers: {}, data: sub }) })),
      ),
    });

    it('hands each user record to the handler and checkpoints with sub-sequence numbers', async () => {
      kinesis.on(GetRecordsCommand).resolvesOnce({ Records: [aggregatedRecord('7', ['a', 'b', 'c']), record('8')], NextShardIterator: undefined });
      const lease = fakeLease();
      await expect(consumerWith(lease).run(new AbortController().signal)).resolves.toBe('shard-end');
      expect(log.filter((l) => l.startsWith('handled'))).toEqual(['handled a', 'handled b', 'handled c', 'handled 8']);
      // Mid-aggregate positions carry the sub-sequence (one write at a time, so some coalesce).
      expect(lease.checkpoints[0]).toBe('7/0');
      expect(lease.checkpoints.slice(-2)).toEqual(['8', SHARD_END]);
      expect(lease.checkpoints.every((c) => ['7/0', '7/1', '7', '8', SHARD_END].includes(c))).toBe(true);
    });

    it('resumes inside an aggregate: starts AT its sequence number and skips the user records done', async () => {
      kinesis.on(GetRecordsCommand).resolvesOnce({ Records: [aggregatedRecord('7', ['a', 'b', 'c'])], NextShardIterator: undefined });
      const lease = fakeLease('7/1');
      await consumerWith(lease).run(new AbortController().signal);
      expect(kinesis.commandCalls(GetShardIteratorCommand)[0].args[0].input).toMatchObject({
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: '7',
      });
      expect(log.filter((l) => l.startsWith('handled'))).toEqual(['handled c']);
      expect(lease.checkpoints).toEqual(['7', SHARD_END]);
    });
  });
});
