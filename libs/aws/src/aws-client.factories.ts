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
    maxAttempts: options.kinesisMaxAttempts ?? 3,
  });
}

/** Opt-in settings of an S3 client on a hot path; without them a client suits every caller. */
export interface S3ClientTuning {
  /**
   * The SDK's `cacheMiddleware`: the middleware stack is resolved once per command class, not
   * on every call (measured: about a quarter less client CPU per 1 KiB PutObject). The calls
   * of a command class then share one handler context, which the middlewares fill on each call
   * (resolved endpoint, auth scheme): only for a client whose calls all go to one bucket, and to
   * which no middleware is added after its first call.
   */
  cacheMiddleware?: boolean;
  /**
   * Build the request signer once per auth scheme, not on every call: the SDK constructs a new
   * signer for each request from a copy of the whole client configuration (measured: about a
   * tenth of a PutObject's client CPU). Signing is unchanged: the signer keeps no per-request
   * state and asks the client's (refreshing) credential provider on every signature. Only
   * credentials assigned to `client.config` after its first call would go unseen.
   */
  reuseSigner?: boolean;
}

export function createS3Client(options: AwsClientsOptions, tuning: S3ClientTuning = {}): S3Client {
  const local = options.endpoints.s3 !== undefined;
  const client = new S3Client({
    ...(tuning.cacheMiddleware ? { cacheMiddleware: true } : {}),
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
  if (tuning.reuseSigner) reuseSigner(client);
  return client;
}

/** Makes the client's signer factory hand out one signer per auth scheme (S3ClientTuning.reuseSigner). */
function reuseSigner(client: S3Client): void {
  const signerFor = client.config.signer;
  const signers = new Map<string, ReturnType<typeof signerFor>>();
  client.config.signer = (authScheme) => {
    const key = [authScheme?.name, authScheme?.signingName, authScheme?.signingRegion, authScheme?.signingRegionSet?.join()].join('|');
    let signer = signers.get(key);
    if (signer === undefined) {
      signer = signerFor(authScheme);
      signers.set(key, signer);
      // A signer that could not be built is tried again on the next call.
      signer.catch(() => signers.delete(key));
    }
    return signer;
  };
}

export function createDynamoDbDocumentClient(options: AwsClientsOptions): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    endpoint: options.endpoints.dynamodb,
    requestHandler: httpHandler(),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
