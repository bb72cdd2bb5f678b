import { FailedBatchFormatError, failedBatchesIn, streamNameOfArn, type LambdaStreamFailureRecord } from './failed-batch';

/** As the AWS Lambda Developer Guide shows the on-failure record of a Kinesis event source mapping. */
const record = (shardId: string): LambdaStreamFailureRecord => ({
  requestContext: {
    requestId: 'c9b8fa9f-5a7f-xmpl-af9c-0c604cde93a5',
    functionArn: 'arn:aws:lambda:us-east-2:123456789012:function:myfunction',
    condition: 'RetryAttemptsExhausted',
    approximateInvokeCount: 1,
  },
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  version: '1.0',
  timestamp: '2019-11-14T00:38:06.021Z',
  KinesisBatchInfo: {
    shardId,
    startSequenceNumber: '49601189658422359378836298521827638475320189012309704722',
    endSequenceNumber: '49601189658422359378836298522902373528957594348623495186',
    approximateArrivalOfFirstRecord: '2019-11-14T00:38:04.835Z',
    approximateArrivalOfLastRecord: '2019-11-14T00:38:05.580Z',
    batchSize: 500,
    streamArn: 'arn:aws:kinesis:us-east-2:123456789012:stream/mystream',
  },
});
const shards = (text: string) => failedBatchesIn(text).map((batch) => batch.shardId);

describe('failedBatchesIn (what npm run redrive -- --failed-batches reads)', () => {
  it('reads one record, an array of them, and JSON Lines', () => {
    expect(failedBatchesIn(JSON.stringify(record('shardId-000000000001')))).toEqual([record('shardId-000000000001').KinesisBatchInfo]);
    expect(shards(JSON.stringify([record('a'), record('b')]))).toEqual(['a', 'b']);
    expect(shards(`${JSON.stringify(record('a'))}\n\n${JSON.stringify(record('b'))}\n`)).toEqual(['a', 'b']);
  });

  it('reads the record out of SQS messages (aws sqs receive-message output, or one message) and SNS notifications', () => {
    const received = { Messages: [{ MessageId: 'm1', ReceiptHandle: 'r', Body: JSON.stringify(record('a')) }, { Body: JSON.stringify(record('b')) }] };
    expect(shards(JSON.stringify(received))).toEqual(['a', 'b']);
    expect(shards(JSON.stringify({ Type: 'Notification', Message: JSON.stringify(record('c')) }))).toEqual(['c']);
  });

  it('refuses what is not an on-failure record, saying where', () => {
    expect(() => failedBatchesIn('{"Records": []}')).toThrow(FailedBatchFormatError);
    expect(() => failedBatchesIn('not json\n{}')).toThrow(/line 1: not JSON/);
    const noEnd = record('a') as unknown as { KinesisBatchInfo: Record<string, unknown> };
    delete noEnd.KinesisBatchInfo.endSequenceNumber;
    expect(() => failedBatchesIn(JSON.stringify([record('b'), noEnd]))).toThrow(/input\[1\]\.KinesisBatchInfo\.endSequenceNumber: missing/);
  });

  it('reads nothing from empty input', () => {
    expect(failedBatchesIn('  \n')).toEqual([]);
  });

  it("names the stream of an ARN", () => {
    expect(streamNameOfArn('arn:aws:kinesis:us-east-2:123456789012:stream/mystream')).toBe('mystream');
  });
});
