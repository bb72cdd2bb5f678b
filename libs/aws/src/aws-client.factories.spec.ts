import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKinesisClient } from './aws-client.factories';

/** A Kinesis endpoint on 127.0.0.1 that answers every call with a retryable 500 and counts them. */
async function failingKinesis(): Promise<{ url: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls++;
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'InternalFailure', message: 'down' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls: () => calls,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('createKinesisClient', () => {
  const credentials = { accessKeyId: 'k', secretAccessKey: 's' };
  let kinesis: Awaited<ReturnType<typeof failingKinesis>>;
  beforeEach(async () => {
    process.env.AWS_ACCESS_KEY_ID ??= credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY ??= credentials.secretAccessKey;
    kinesis = await failingKinesis();
  });
  afterEach(() => kinesis.close());

  it.each([
    ['the SDK default of 3 attempts', undefined, 3],
    ['one attempt for a caller that retries by itself', 1, 1],
  ])('makes %s per call', async (_label, kinesisMaxAttempts, expected) => {
    const client = createKinesisClient({ region: 'us-east-1', endpoints: { kinesis: kinesis.url }, kinesisMaxAttempts });
    try {
      await expect(client.send(new ListStreamsCommand({}))).rejects.toMatchObject({ name: 'InternalFailure' });
      expect(kinesis.calls()).toBe(expected);
    } finally {
      client.destroy();
    }
  });
});
