import { HealthIndicatorService } from '@nestjs/terminus';
import { mockClient } from 'aws-sdk-client-mock';
import { HeadBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { AwsHealthIndicator } from './aws.health-indicator';

describe('AwsHealthIndicator', () => {
  const s3 = new S3Client({ region: 'us-east-1' });
  const s3Mock = mockClient(s3);
  const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const dynamoMock = mockClient(dynamodb);
  const kinesis = new KinesisClient({ region: 'us-east-1' });
  const kinesisMock = mockClient(kinesis);
  const indicator = new AwsHealthIndicator(new HealthIndicatorService(), kinesis, s3, dynamodb);

  beforeEach(() => {
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

  it('is down, with the reason, when they do not', async () => {
    kinesisMock.on(DescribeStreamSummaryCommand).rejects(new Error('connect ECONNREFUSED'));
    await expect(indicator.stream('kinesis', 'file-events')).resolves.toEqual({
      kinesis: { status: 'down', error: 'Error: connect ECONNREFUSED' },
    });
    s3Mock.on(HeadBucketCommand).rejects(new S3ServiceException({ name: 'NotFound', $fault: 'client', $metadata: {} }));
    dynamoMock.on(GetCommand).rejects(new ResourceNotFoundException({ message: 'no table', $metadata: {} }));
    await expect(indicator.bucket('s3', 'file-store')).resolves.toEqual({
      s3: { status: 'down', error: expect.stringContaining('NotFound') },
    });
    await expect(indicator.table('leases', 'file-worker-leases', 'lease_key')).resolves.toEqual({
      leases: { status: 'down', error: 'ResourceNotFoundException: no table' },
    });
  });
});
