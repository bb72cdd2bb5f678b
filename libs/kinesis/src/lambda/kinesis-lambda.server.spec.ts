import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { aggregate } from '../aggregation/kpl-aggregation';
import type { KinesisContext } from '../ctx-host/kinesis.context';
import type { DeadLetter } from '../dead-letter/dead-letter';
import { KinesisPoisonRecordException } from '../errors/kinesis-poison-record.exception';
import { KinesisRetriableException } from '../errors/kinesis-retriable.exception';
import { encodePacket } from '../kinesis-packet.codec';
import { KinesisLambdaServer } from './kinesis-lambda.server';

const ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/file-events';
const packet = (data: unknown, pattern = 'thing.happened') =>
  encodePacket({ pattern, id: `e-${JSON.stringify(data)}`, occurred_at: '2026-11-27T00:00:00Z', headers: {}, data });

function lambdaRecord(shard: number, seq: string, data: Uint8Array, partitionKey = `pk-${seq}`): KinesisStreamRecord {
  return {
    eventID: `shardId-00000000000${shard}:${seq}`,
    eventSourceARN: ARN,
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::123456789012:role/worker',
    awsRegion: 'us-east-1',
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber: seq,
      data: Buffer.from(data).toString('base64'),
      approximateArrivalTimestamp: 1795755600.123,
    },
  };
}

function serverWith(handler: (data: { n: number }, context: KinesisContext) => Promise<void>, sinkFails = false, maxConcurrentRecordsPerShard?: number) {
  const letters: DeadLetter[] = [];
  const server = new KinesisLambdaServer({
    maxConcurrentRecordsPerShard,
    deadLetters: {
      send: async (letter) => {
        if (sinkFails) throw new Error('S3 down');
        letters.push(letter);
      },
    },
  });
  server.addHandler('thing.happened', handler as never, true);
  return { server, letters };
}

const event = (...records: KinesisStreamRecord[]): KinesisStreamEvent => ({ Records: records });

describe('KinesisLambdaServer', () => {
  it('hands records to their handler in shard order, with a full context', async () => {
    const seen: string[] = [];
    const { server } = serverWith(async (data, context) => {
      seen.push(`${context.getShardId()}/${context.getSequenceNumber()}/${data.n}`);
      expect(context.getStreamName()).toBe('file-events');
      expect(context.getArrivalTime().toISOString()).toBe('2026-11-27T05:00:00.123Z');
    });
    const result = await server.handle(event(lambdaRecord(0, '1', packet({ n: 1 })), lambdaRecord(0, '2', packet({ n: 2 }))));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual(['shardId-000000000000/1/1', 'shardId-000000000000/2/2']);
  });

  const mixedBatch = () =>
    event(
      lambdaRecord(0, '1', packet({ n: 1 })),
      lambdaRecord(1, '10', Buffer.from('not json')),
      lambdaRecord(0, '2', packet({ n: 2 })),
      lambdaRecord(1, '11', packet({ n: 5 })),
      lambdaRecord(0, '3', packet({ n: 3 })),
      lambdaRecord(1, '12', packet({ n: 6 })),
    );
  const mixedHandler = (handled: number[]) => async (data: { n: number }) => {
    if (data.n === 2) throw new KinesisRetriableException('S3 is down');
    if (data.n === 5) throw new KinesisPoisonRecordException('sha256 mismatch');
    handled.push(data.n);
  };

  it('reports the lowest failed record of a shard; poison is dead-lettered and handled; other shards go on', async () => {
    const handled: number[] = [];
    const { server, letters } = serverWith(mixedHandler(handled));
    const result = await server.handle(mixedBatch());
    // Lambda retries shard 0 from sequence number 2; 3 ran beside 2 (another key) and runs again then.
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    expect(handled.sort()).toEqual([1, 3, 6]);
    expect(letters.map((l) => [l.shard_id, l.sequence_number, l.reason])).toEqual([
      ['shardId-000000000001', '10', 'malformed-record'],
      ['shardId-000000000001', '11', 'handler-rejected'],
    ]);
  });

  it('one record at a time (maxConcurrentRecordsPerShard 1) begins nothing after a failure', async () => {
    const handled: number[] = [];
    const { server } = serverWith(mixedHandler(handled), false, 1);
    const result = await server.handle(mixedBatch());
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '2' }]);
    expect(handled.sort()).toEqual([1, 6]);
  });

  it('handles different partition keys side by side and one key in order', async () => {
    let inFlight = 0;
    let most = 0;
    const order: number[] = [];
    const { server } = serverWith(async (data) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(data.n);
      inFlight--;
    }, false, 4);
    const records = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => lambdaRecord(0, String(n), packet({ n }), n % 2 === 0 ? 'even' : `odd-${n}`));
    expect(await server.handle(event(...records))).toEqual({ batchItemFailures: [] });
    expect(most).toBe(4);
    // The key "even" went 2, 4, 6, 8, one after another and in order.
    expect(order.filter((n) => n % 2 === 0)).toEqual([2, 4, 6, 8]);
  });

  it('refuses a concurrency or a number of attempts that is not a whole number ≥ 1', () => {
    expect(() => serverWith(async () => undefined, false, 0)).toThrow(/maxConcurrentRecordsPerShard/);
    expect(() => new KinesisLambdaServer({ deadLetters: { send: async () => undefined }, maxAttempts: 0.5 })).toThrow(/maxAttempts/);
  });

  it('tells its record observer each handled and each failed record, by pattern', async () => {
    const { server } = serverWith(async (data) => {
      if (data.n === 2) throw new KinesisRetriableException('S3 is down');
    });
    const seen: string[] = [];
    server.observeRecords({
      handled: (pattern, handlingMs, occurredAt) => seen.push(`handled ${pattern} ${handlingMs >= 0} ${occurredAt}`),
      failed: (pattern) => seen.push(`failed ${pattern}`),
    });
    await server.handle(event(lambdaRecord(0, '1', packet({ n: 1 })), lambdaRecord(0, '2', packet({ n: 2 }))));
    expect(seen.sort()).toEqual(['failed thing.happened', 'handled thing.happened true 2026-11-27T00:00:00Z']);
  });

  it('fails the record when its dead letter cannot be stored (Lambda retries it)', async () => {
    const { server } = serverWith(async () => undefined, true);
    const result = await server.handle(event(lambdaRecord(0, '1', Buffer.from('not json')), lambdaRecord(0, '2', packet({ n: 2 }))));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '1' }]);
  });

  it('opens KPL aggregates; a failure inside one reports the aggregate record', async () => {
    const handled: Array<[number, number | undefined]> = [];
    const { server } = serverWith(async (data, context) => {
      if (data.n === 22) throw new Error('bug');
      handled.push([data.n, context.getSubSequenceNumber()]);
    });
    const agg = aggregate([
      { partitionKey: 'a', data: packet({ n: 21 }) },
      { partitionKey: 'b', data: packet({ n: 22 }) },
    ]);
    const result = await server.handle(event(lambdaRecord(0, '7', agg), lambdaRecord(0, '8', packet({ n: 30 }))));
    // 21, 22 and 30 have different partition keys and run side by side; 8 runs again on the retry from 7.
    expect(handled.sort()).toEqual([[21, 0], [30, undefined]]);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '7' }]);
  });

  it('dead-letters or skips a pattern nobody handles, as configured', async () => {
    const { server, letters } = serverWith(async () => undefined);
    const orphan = lambdaRecord(0, '1', packet({ n: 1 }, 'nobody.listens'));
    expect(await server.handle(event(orphan))).toEqual({ batchItemFailures: [] });
    expect(letters[0]).toMatchObject({ reason: 'no-handler' });
    server.configure({ deadLetters: { send: async () => Promise.reject(new Error('unused')) }, unknownPatternPolicy: 'skip' });
    expect(await server.handle(event(orphan))).toEqual({ batchItemFailures: [] });
  });

  describe('an event source mapping that never gives up (retries and record age -1)', () => {
    const outage = () => Promise.reject(new KinesisRetriableException('S3 is down'));
    // The test records arrived on 2026-11-27, days before now: past any deadline of an hour.
    const pastDeadline = { maxRecordAgeMs: 60 * 60 * 1000 };

    it('fails a record for as long as its dependency is out, never dead-lettering it, as the container waits it out', async () => {
      const attempts: number[] = [];
      const { server, letters } = serverWith(async (_data, context) => {
        attempts.push(context.getAttempt());
        return outage();
      });
      for (let delivery = 0; delivery < 10; delivery++) {
        expect(await server.handle(event(lambdaRecord(0, '1', packet({ n: 1 }))))).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }] });
      }
      expect(letters).toEqual([]);
      expect(attempts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('dead-letters a record that fails for a reason of its own after maxAttempts deliveries, so it cannot hold its shard', async () => {
      const { server, letters } = serverWith(async () => Promise.reject(new Error('bug')));
      server.configure({ deadLetters: { send: async (letter) => void letters.push(letter) }, maxAttempts: 3 });
      const deliver = () => server.handle(event(lambdaRecord(0, '1', packet({ n: 1 }))));
      expect(await deliver()).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }] });
      expect(await deliver()).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }] });
      expect(await deliver()).toEqual({ batchItemFailures: [] });
      expect(letters).toEqual([expect.objectContaining({ reason: 'handler-failed', attempts: 3, last_error: 'Error: bug' })]);
    });

    it('past maxRecordAgeMs still tries a record once per delivery, and keeps it when that works', async () => {
      const handled: number[] = [];
      const { server, letters } = serverWith(async (data) => void handled.push(data.n));
      server.configure({ deadLetters: { send: async (letter) => void letters.push(letter) }, ...pastDeadline });
      expect(await server.handle(event(lambdaRecord(0, '1', packet({ n: 1 }))))).toEqual({ batchItemFailures: [] });
      expect(handled).toEqual([1]);
      expect(letters).toEqual([]);
    });

    it('past maxRecordAgeMs dead-letters a record whose dependency is still out, with its bytes and both reasons', async () => {
      const { server, letters } = serverWith(outage);
      server.configure({ deadLetters: { send: async (letter) => void letters.push(letter) }, ...pastDeadline });
      const bytes = packet({ n: 1 });
      expect(await server.handle(event(lambdaRecord(0, '1', bytes)))).toEqual({ batchItemFailures: [] });
      expect(letters).toEqual([
        expect.objectContaining({
          reason: 'record-too-old',
          sequence_number: '1',
          attempts: 1,
          data_base64: Buffer.from(bytes).toString('base64'),
          last_error: expect.stringMatching(/over the maximum of 3600 s; last attempt: .*S3 is down/),
        }),
      ]);
    });

    it('past maxRecordAgeMs fails the record again when its dead letter cannot be stored either (nothing is dropped)', async () => {
      const { server } = serverWith(outage, true);
      server.configure({ deadLetters: { send: async () => Promise.reject(new Error('S3 down')) }, ...pastDeadline });
      expect(await server.handle(event(lambdaRecord(0, '1', packet({ n: 1 }))))).toEqual({ batchItemFailures: [{ itemIdentifier: '1' }] });
    });
  });

  it('says what is missing when used before configure()', async () => {
    const server = new KinesisLambdaServer();
    await expect(server.handle(event(lambdaRecord(0, '1', Buffer.from('x'))))).rejects.toThrow(/configure/);
  });
});
