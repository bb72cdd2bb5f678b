import { mergePutRecordsResponse, splitPutRecords } from './put-records.split';
import { pickWeighted, seededRandom } from './seeded-random';

describe('splitPutRecords / mergePutRecordsResponse', () => {
  const request = {
    StreamName: 's1',
    Records: ['a', 'b', 'c', 'd'].map((x) => ({ Data: Buffer.from(x).toString('base64'), PartitionKey: x })),
  };

  it('forwards only the records that pass and answers in the original order', () => {
    const picks = [undefined, 'InternalFailure', undefined, 'ProvisionedThroughputExceededException'] as const;
    let i = 0;
    const split = splitPutRecords(JSON.stringify(request), () => picks[i++])!;
    const forwarded = JSON.parse(split.forwardBody!);
    expect(forwarded).toEqual({ StreamName: 's1', Records: [request.Records[0], request.Records[2]] });

    const merged = mergePutRecordsResponse(split, {
      FailedRecordCount: 0,
      Records: [
        { SequenceNumber: '1', ShardId: 'shardId-000000000000' },
        { SequenceNumber: '2', ShardId: 'shardId-000000000001' },
      ],
    });
    expect(merged).toEqual({
      FailedRecordCount: 2,
      Records: [
        { SequenceNumber: '1', ShardId: 'shardId-000000000000' },
        { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' },
        { SequenceNumber: '2', ShardId: 'shardId-000000000001' },
        { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: expect.stringContaining('Rate exceeded') },
      ],
    });
  });

  it('forwards nothing when every record fails', () => {
    const split = splitPutRecords(JSON.stringify(request), () => 'InternalFailure')!;
    expect(split.forwardBody).toBeUndefined();
    expect(mergePutRecordsResponse(split, undefined).FailedRecordCount).toBe(4);
  });

  it('leaves requests it cannot cut safely to kinesalite (not JSON, no records, over 500)', () => {
    const never = () => 'InternalFailure' as const;
    expect(splitPutRecords('not json', never)).toBeUndefined();
    expect(splitPutRecords(JSON.stringify({ StreamName: 's', Records: [] }), never)).toBeUndefined();
    const tooMany = { StreamName: 's', Records: Array.from({ length: 501 }, () => request.Records[0]) };
    expect(splitPutRecords(JSON.stringify(tooMany), never)).toBeUndefined();
  });

  it('refuses a kinesalite answer that does not match what was forwarded', () => {
    const split = splitPutRecords(JSON.stringify(request), () => undefined)!;
    expect(() => mergePutRecordsResponse(split, { FailedRecordCount: 0, Records: [] })).toThrow(/0 records for 4 forwarded/);
  });
});

describe('seededRandom / pickWeighted', () => {
  it('repeats its sequence for a seed, and differs between seeds', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, c)).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('picks in proportion to the weights and never a zero weight', () => {
    const random = seededRandom(1);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 10_000; i++) counts[pickWeighted(random, { a: 3, b: 1, never: 0 })] += 1;
    expect(counts.never).toBe(0);
    expect(counts.a / 10_000).toBeGreaterThan(0.72);
    expect(counts.a / 10_000).toBeLessThan(0.78);
  });
});
