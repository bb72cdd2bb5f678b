import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import type { AwsClientsOptions } from './aws-clients.options';

function httpHandler(): NodeHttpHandler {
  // Keep-alive sockets: one TLS/TCP handshake per connection, not per call.
  return new NodeHttpHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
    httpsAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
  });
}

export function createKinesisClient(options: AwsClientsOptions): KinesisClient {
  // The Kinesis client defaults to HTTP/2 (for SubscribeToShard, which we do not use);
  // kinesalite speaks HTTP/1.1 only, and HTTP/1.1 is equally valid against AWS.
  return new KinesisClient({
    region: options.region,
    endpoint: options.endpoints.kinesis,
    requestHandler: httpHandler(),
    maxAttempts: 3,
  });
}

export function createS3Client(options: AwsClientsOptions): S3Client {
  const local = options.endpoints.s3 !== undefined;
  return new S3Client({
    region: options.region,
    endpoint: options.endpoints.s3,
    requestHandler: httpHandler(),
    // s3rver serves path-style URLs only.
    forcePathStyle: local,
    // s3rver stores aws-chunked CRC32 framing inside streamed bodies, corrupting them;
    // against AWS the default (checksums on every request) stays.
    ...(local
      ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
  });
}

export function createDynamoDbDocumentClient(options: AwsClientsOptions): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoints.dynamodb,
    requestHandler: httpHandler(),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
