import type { _Record } from '@aws-sdk/client-kinesis';
import type { LambdaStreamFailureRecord } from '@lib/kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { drainShard, laneOf, type MappingSettings, type ShardReader } from './event-source-mapping';

const settings = (factor: number, overrides: Partial<MappingSettings> = {}): MappingSettings => ({
  batchSize: 3,
  batchingWindowMs: 1000,
  retryAttempts: 2,
  parallelizationFactor: factor,
  ...overrides,
});

/** Records 1..n with the keys given (one character each). */
function records(keys: string): _Record[] {
  return [...keys].map((key, i) => ({ SequenceNumber: String(i + 1), PartitionKey: key, Data: new Uint8Array([i]) }));
}

/** Gives the records in pages of `pageSize`, then says it has caught up. */
function pagedReader(all: _Record[], pageSize: number): ShardReader {
  let next = 0;
  return {
    async read() {
      const records = all.slice(next, next + pageSize);
      next += records.length;
      return { records, caughtUp: next >= all.length };
    },
  };
}

const seqs = (event: KinesisStreamEvent) => event.Records.map((r) => r.kinesis.sequenceNumber);

describe('drainShard (the Kinesis event source mapping, modelled)', () => {
  it('hands one lane its records in batches of at most batchSize, in order, one batch at a time', async () => {
    const batches: string[][] = [];
    let inFlight = 0;
    const stats = await drainShard('s', 'shardId-0', pagedReader(records('abcdefgh'), 5), async (lane, event) => {
      expect(++inFlight).toBe(1);
      batches.push(seqs(event));
      await Promise.resolve();
      inFlight--;
      return { batchItemFailures: [] };
    }, settings(1));
    expect(batches).toEqual([['1', '2', '3'], ['4', '5', '6'], ['7', '8']]);
    expect(stats).toMatchObject({ records: 8, invocations: 3, retries: 0, largestBatch: 3 });
  });

  it('with a factor > 1, keeps each key in one lane and in order, lanes side by side', async () => {
    const keys = 'abcdefghabcdefghabcdefgh';
    const seenByLane = new Map<number, string[]>();
    let inFlight = 0;
    let most = 0;
    const stats = await drainShard('s', 'shardId-0', pagedReader(records(keys), 100), async (lane, event) => {
      most = Math.max(most, ++inFlight);
      for (const r of event.Records) {
        expect(laneOf(r.kinesis.partitionKey, 4)).toBe(lane);
        seenByLane.set(lane, [...(seenByLane.get(lane) ?? []), r.kinesis.sequenceNumber]);
      }
      await new Promise((resolve) => setImmediate(resolve));
      inFlight--;
      return { batchItemFailures: [] };
    }, settings(4));
    expect(stats.records).toBe(keys.length);
    expect(most).toBeGreaterThan(1);
    for (const sequence of seenByLane.values()) expect(sequence.map(Number)).toEqual([...sequence.map(Number)].sort((x, y) => x - y));
  });

  it('retries a batch from its lowest reported failure, that record and every later one', async () => {
    const batches: string[][] = [];
    let failedOnce = false;
    const invoke = async (_lane: number, event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
      batches.push(seqs(event));
      if (!failedOnce && seqs(event).includes('2')) {
        failedOnce = true;
        return { batchItemFailures: [{ itemIdentifier: '3' }, { itemIdentifier: '2' }] };
      }
      return { batchItemFailures: [] };
    };
    const stats = await drainShard('s', 'shardId-0', pagedReader(records('abcd'), 10), invoke, settings(1));
    expect(batches).toEqual([['1', '2', '3'], ['2', '3'], ['4']]);
    expect(stats).toMatchObject({ records: 4, invocations: 3, retries: 1, givenUp: 0 });
  });

  it('gives records up after retryAttempts and retries a whole batch when the function throws', async () => {
    let calls = 0;
    const told: LambdaStreamFailureRecord[] = [];
    const stats = await drainShard('s', 'shardId-0', pagedReader(records('ab'), 10), async (_lane, event) => {
      calls++;
      if (calls === 1) throw new Error('function error');
      return { batchItemFailures: [{ itemIdentifier: seqs(event).at(-1)! }] };
    }, settings(1, { retryAttempts: 2, onFailure: (record) => told.push(record) }));
    // 1: throws (ab again); 2: b fails (a done); 3: b fails; then b is given up.
    expect(stats).toMatchObject({ records: 1, invocations: 3, retries: 2, givenUp: 1, functionErrors: 1 });
    // The on-failure destination hears of b alone, in Lambda's format.
    expect(told).toEqual([
      expect.objectContaining({
        requestContext: expect.objectContaining({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 }),
        KinesisBatchInfo: expect.objectContaining({ shardId: 'shardId-0', startSequenceNumber: '2', endSequenceNumber: '2', batchSize: 1, streamArn: expect.stringMatching(/:stream\/s$/) }),
      }),
    ]);
  });

  it('with retryAttempts -1 retries a failing record for as long as it fails, giving nothing up', async () => {
    let calls = 0;
    const stats = await drainShard('s', 'shardId-0', pagedReader(records('ab'), 10), async (_lane, event) => {
      calls++;
      return { batchItemFailures: calls < 50 ? [{ itemIdentifier: seqs(event)[0] }] : [] };
    }, settings(1, { retryAttempts: -1, onFailure: () => { throw new Error('nothing is given up') } }));
    expect(stats).toMatchObject({ records: 2, invocations: 50, retries: 49, givenUp: 0 });
  });

  it('sends a batch short of batchSize once the shard is read to its end, without waiting out the window', async () => {
    const started = performance.now();
    const stats = await drainShard('s', 'shardId-0', pagedReader(records('a'), 10), async () => ({ batchItemFailures: [] }), settings(1, { batchingWindowMs: 60_000 }));
    expect(stats.records).toBe(1);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
