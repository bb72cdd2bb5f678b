import { mergePutRecordsResponse, splitPutRecords, type RecordFailure } from './put-records.split';

describe('splitPutRecords / mergePutRecordsResponse', () => {
  const request = {
    StreamName: 's1',
    Records: ['a', 'b', 'c', 'd'].map((x) => ({ Data: Buffer.from(x).toString('base64'), PartitionKey: x })),
  };

  it('forwards only the records that pass and answers in the original order, with AWS messages', () => {
    const picks: (RecordFailure | undefined)[] = [
      undefined,
      { code: 'InternalFailure' },
      undefined,
      { code: 'ProvisionedThroughputExceededException', shardId: 'shardId-000000000003' },
    ];
    const split = splitPutRecords(request, (_, i) => picks[i])!;
    expect(split.forward).toEqual({ StreamName: 's1', Records: [request.Records[0], request.Records[2]] });

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
        { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal Service Failure' },
        { SequenceNumber: '2', ShardId: 'shardId-000000000001' },
        {
          ErrorCode: 'ProvisionedThroughputExceededException',
          ErrorMessage: 'Rate exceeded for shard shardId-000000000003 in stream s1 under account 000000000000.',
        },
      ],
    });
  });

  it('forwards nothing when every record fails', () => {
    const split = splitPutRecords(request, () => ({ code: 'InternalFailure' }))!;
    expect(split.forward).toBeUndefined();
    expect(mergePutRecordsResponse(split, undefined).FailedRecordCount).toBe(4);
  });

  it('names the stream of a StreamARN in its messages', () => {
    const split = splitPutRecords({ ...request, StreamName: undefined, StreamARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/by-arn' }, () => ({
      code: 'ProvisionedThroughputExceededException',
    }))!;
    expect(split.streamName).toBe('by-arn');
  });

  it('leaves requests it cannot cut safely to the stand-in (not an object, no records, over 500)', () => {
    const never = () => ({ code: 'InternalFailure' as const });
    expect(splitPutRecords(undefined, never)).toBeUndefined();
    expect(splitPutRecords({ StreamName: 's', Records: [] }, never)).toBeUndefined();
    const tooMany = { StreamName: 's', Records: Array.from({ length: 501 }, () => request.Records[0]) };
    expect(splitPutRecords(tooMany, never)).toBeUndefined();
  });

  it('refuses a stand-in answer that does not match what was forwarded', () => {
    const split = splitPutRecords(request, () => undefined)!;
    expect(() => mergePutRecordsResponse(split, { FailedRecordCount: 0, Records: [] })).toThrow(/0 records for 4 forwarded/);
  });
});
