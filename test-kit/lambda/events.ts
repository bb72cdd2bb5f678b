import type { _Record } from '@aws-sdk/client-kinesis';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, KinesisStreamEvent } from 'aws-lambda';

/** An API Gateway HTTP API (payload 2.0) request, as Lambda receives it. */
export function httpApiEvent(request: {
  method: string;
  path: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  body?: Buffer;
}): APIGatewayProxyEventV2 {
  const rawQueryString = new URLSearchParams(request.query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.path,
    rawQueryString,
    headers: { host: 'api.example.com', ...request.headers },
    ...(request.query ? { queryStringParameters: request.query } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: request.method, path: request.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'jest' },
      requestId: 'http-api-request',
      routeKey: '$default',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(request.body ? { body: request.body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
  };
}

/** An API Gateway REST API (payload 1.0) request, as Lambda receives it. */
export function restApiEvent(request: { method: string; path: string; headers?: Record<string, string>; body?: Buffer }): APIGatewayProxyEvent {
  const headers = { Host: 'api.example.com', ...request.headers };
  return {
    resource: '/{proxy+}',
    path: request.path,
    httpMethod: request.method,
    // API Gateway sends both forms; serverless-express reads the multi-value one.
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: request.path.slice(1) },
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      authorizer: undefined,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      identity: { sourceIp: '203.0.113.7', userAgent: 'jest' } as APIGatewayProxyEvent['requestContext']['identity'],
      path: `/prod${request.path}`,
      stage: 'prod',
      requestId: 'rest-api-request',
      requestTimeEpoch: Date.now(),
      resourceId: 'res',
      resourcePath: '/{proxy+}',
    },
    body: request.body ? request.body.toString('base64') : null,
    isBase64Encoded: request.body !== undefined,
  };
}

/** The ARN of a local stream as Lambda names it in events and on-failure records. */
export function streamArnOf(streamName: string): string {
  return `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`;
}

/** A Kinesis event source mapping batch made of records read from a (local) stream. */
export function kinesisEvent(streamName: string, shardId: string, records: _Record[]): KinesisStreamEvent {
  return {
    Records: records.map((record) => ({
      eventID: `${shardId}:${record.SequenceNumber}`,
      eventSourceARN: streamArnOf(streamName),
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/worker',
      awsRegion: 'us-east-1',
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: record.PartitionKey!,
        sequenceNumber: record.SequenceNumber!,
        data: Buffer.from(record.Data!).toString('base64'),
        approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp ?? new Date()).getTime() / 1000,
      },
    })),
  };
}
