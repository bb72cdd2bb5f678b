import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client, type AwsClientsOptions } from '@lib/aws';
import type { FileUploadedV1 } from '@lib/contracts';
import { FileStorage } from './file.storage';
import { createFileStorageS3Client } from './file-storage.s3-client';

interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

function eventFor(index: number): FileUploadedV1 {
  const id = `7f3c1e9a-0000-4000-8000-${String(index).padStart(12, '0')}`;
  const bytes = Buffer.from(`file number ${index}`);
  return {
    id,
    file_key: `uploads/${id}.txt`,
    owner: { sub: `sub-${index}`, username: `user${index}@example.com` },
    content_type: 'text/plain',
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    body: { kind: 'inline', data_base64: bytes.toString('base64') },
  };
}

// The client resolves its middleware stack once, so its calls share one handler context: the
// puts must still each go out with their own key, metadata, body and signature.
describe('the S3 client FileStorage puts with', () => {
  const seen: SeenRequest[] = [];
  let server: Server;
  let options: AwsClientsOptions;
  let s3: S3Client;
  const savedEnvironment = { ...process.env };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({ method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString() });
        // Answer out of order, so that calls overlap inside the client.
        setTimeout(() => response.writeHead(200, { ETag: '"etag"' }).end(), Math.random() * 20);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test-key', AWS_SECRET_ACCESS_KEY: 'test-secret' });
    options = { region: 'eu-west-1', endpoints: { s3: `http://127.0.0.1:${(server.address() as AddressInfo).port}` } };
    s3 = createFileStorageS3Client(options);
  });

  afterAll(async () => {
    s3.destroy();
    process.env = savedEnvironment;
    await new Promise((resolve) => server.close(resolve));
  });

  it('resolves its middleware stack once, unlike the shared client', () => {
    expect(s3.config.cacheMiddleware).toBe(true);
    const shared = createS3Client(options);
    expect(shared.config.cacheMiddleware).not.toBe(true);
    shared.destroy();
  });

  it('builds its request signer once, unlike the shared client', async () => {
    const scheme = { name: 'sigv4', signingName: 's3', signingRegion: 'eu-west-1', properties: {} } as const;
    expect(await s3.config.signer(scheme)).toBe(await s3.config.signer(scheme));
    const shared = createS3Client(options);
    expect(await shared.config.signer(scheme)).not.toBe(await shared.config.signer(scheme));
    shared.destroy();
  });

  it('sends each of many concurrent puts with its own key, metadata, body and signature', async () => {
    const storage = new FileStorage(s3, 'file-store');
    const events = Array.from({ length: 40 }, (_, index) => eventFor(index));
    await Promise.all(events.map((event) => storage.put(event, Buffer.from(event.body.kind === 'inline' ? event.body.data_base64 : '', 'base64'))));

    expect(seen).toHaveLength(events.length);
    const signatures = new Set<string>();
    for (const event of events) {
      const request = seen.find((candidate) => candidate.url === `/file-store/${event.file_key}?x-id=PutObject`);
      expect(request).toBeDefined();
      expect(request!.method).toBe('PUT');
      expect(request!.headers['x-amz-meta-upload-id']).toBe(event.id);
      expect(request!.headers['x-amz-meta-owner-sub']).toBe(event.owner.sub);
      expect(request!.body).toBe(Buffer.from(event.body.kind === 'inline' ? event.body.data_base64 : '', 'base64').toString());
      const authorization = String(request!.headers.authorization);
      expect(authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=test-key\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=.*x-amz-meta-upload-id.*, Signature=[0-9a-f]{64}$/);
      signatures.add(authorization);
    }
    // Each request signed on its own (the signature covers its own path and headers).
    expect(signatures.size).toBe(events.length);
  });
});
