import { HealthIndicatorService } from '@nestjs/terminus';
import { mockClient } from 'aws-sdk-client-mock';
import { HeadBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { AwsHealthIndicator, READINESS_CACHE_MS } from './aws.health-indicator';

describe('AwsHealthIndicator', () => {
  const s3 = new S3Client({ region: 'us-east-1' });
  const s3Mock = mockClient(s3);
  const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const dynamoMock = mockClient(dynamodb);
  const kinesis = new KinesisClient({ region: 'us-east-1' });
  const kinesisMock = mockClient(kinesis);
  let indicator: AwsHealthIndicator;

  beforeEach(() => {
    // A fresh one per test: answers are cached per instance.
    indicator = new AwsHealthIndicator(new HealthIndicatorService(), kinesis, s3, dynamodb);
    s3Mock.reset();
    dynamoMock.reset();
    kinesisMock.reset();
  });

  it('is up when the stream, the bucket and the table answer', async () => {
    kinesisMock.on(DescribeStreamSummaryCommand, { StreamName: 'file-events' }).resolves({});
    await expect(indicator.stream('kinesis', 'file-events')).resolves.toEqual({ kinesis: { status: 'up' } });
    s3Mock.on(HeadBucketCommand, { Bucket: 'file-store' }).resolves({});
    dynamoMock.on(GetCommand).resolves({});
    await expect(indicator.bucket('s3', 'file-store')).resolves.toEqual({ s3: { status: 'up' } });
    await expect(indicator.table('leases', 'file-worker-leases', 'lease_key')).resolves.toEqual({ leases: { status: 'up' } });
    expect(dynamoMock.commandCalls(GetCommand)[0].args[0].input).toMatchObject({
      TableName: 'file-worker-leases',
      Key: { lease_key: expect.any(String) },
    });
  });

  it('is down with a reason code when they do not, never with the error\'s text', async () => {
    kinesisMock.on(DescribeStreamSummaryCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:443'), { code: 'ECONNREFUSED' }));
    await expect(indicator.stream('kinesis', 'file-events')).resolves.toEqual({ kinesis: { status: 'down', reason: 'unavailable' } });
    s3Mock.on(HeadBucketCommand).rejects(new S3ServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 } }));
    dynamoMock.on(GetCommand).rejects(new ResourceNotFoundException({ message: 'Requested resource not found: Table: file-worker-leases', $metadata: {} }));
    const bucket = await indicator.bucket('s3', 'file-store');
    expect(bucket).toEqual({ s3: { status: 'down', reason: 'operator' } });
    await expect(indicator.table('leases', 'file-worker-leases', 'lease_key')).resolves.toEqual({ leases: { status: 'down', reason: 'operator' } });
    expect(JSON.stringify(bucket)).not.toMatch(/NotFound|file-store/);
  });

  it('makes at most one call per dependency however many callers ask at once, and reuses the answer for a while', async () => {
    let answer: (() => void) | undefined;
    kinesisMock.on(DescribeStreamSummaryCommand).callsFake(() => new Promise<object>((resolve) => (answer = () => resolve({}))));
    const callers = Array.from({ length: 100 }, () => indicator.stream('kinesis', 'file-events'));
    // The call reaches the client through the SDK's middleware a few ticks later.
    for (const deadline = Date.now() + 2_000; answer === undefined && Date.now() < deadline; ) await new Promise((resolve) => setImmediate(resolve));
    answer!();
    const results = await Promise.all(callers);
    expect(results.every((r) => r.kinesis.status === 'up')).toBe(true);
    await indicator.stream('kinesis', 'file-events');
    expect(kinesisMock.commandCalls(DescribeStreamSummaryCommand)).toHaveLength(1);
    // Another stream is another dependency.
    kinesisMock.on(DescribeStreamSummaryCommand).resolves({});
    await indicator.stream('kinesis', 'other-events');
    expect(kinesisMock.commandCalls(DescribeStreamSummaryCommand)).toHaveLength(2);
  });

  it('asks again once the answer is older than the cache interval', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      kinesisMock.on(DescribeStreamSummaryCommand).resolves({});
      await indicator.stream('kinesis', 'file-events');
      await new Promise((resolve) => setImmediate(resolve));
      jest.advanceTimersByTime(READINESS_CACHE_MS - 1);
      await indicator.stream('kinesis', 'file-events');
      expect(kinesisMock.commandCalls(DescribeStreamSummaryCommand)).toHaveLength(1);
      jest.advanceTimersByTime(1);
      await indicator.stream('kinesis', 'file-events');
      expect(kinesisMock.commandCalls(DescribeStreamSummaryCommand)).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
