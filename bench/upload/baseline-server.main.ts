// The baseline of `npm run bench:upload`: the upload endpoint as it is usually written by
// hand, in one file, without Nest: Express 5, a raw body, `jwks-rsa` + `jsonwebtoken` verify
// per request (the PEM string handed to jsonwebtoken, as bench/auth/naive-jwt.guard.ts does)
// and one `PutRecord` per request through an SDK v3 KinesisClient (NodeHttpHandler with
// keep-alive, as libs/aws builds it). It reads the api's variable names so both servers get
// the same environment. A yardstick, not code to copy: no 503 budget, no retries of its own,
// no status record.
import { createHash, randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import express, { type Request, type Response } from 'express';
import { JwksClient } from 'jwks-rsa';
import * as jwt from 'jsonwebtoken';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
const streamName = required('KINESIS_STREAM_NAME');
const issuer = required('COGNITO_ISSUER');
const clientIds = required('COGNITO_CLIENT_IDS').split(',');
const jwks = new JwksClient({ jwksUri: required('COGNITO_JWKS_URI') });
const kinesis = new KinesisClient({
  region: process.env.AWS_REGION ?? 'us-east-1',
  endpoint: process.env.AWS_ENDPOINT_URL_KINESIS,
  // kinesalite speaks HTTP/1.1 only (the client defaults to HTTP/2); keep-alive sockets as in libs/aws.
  requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }) }),
});

interface AccessClaims {
  sub: string;
  username?: string;
}

/** The hand-written check: key by `kid` from jwks-rsa (cached per kid), then jsonwebtoken with the PEM. */
async function verify(authorization: string | undefined): Promise<AccessClaims> {
  if (!authorization?.startsWith('Bearer ')) throw new Error('no bearer token');
  const token = authorization.slice('Bearer '.length);
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.header.kid !== 'string') throw new Error('no kid');
  const key = await jwks.getSigningKey(decoded.header.kid);
  const claims = jwt.verify(token, key.getPublicKey(), { algorithms: ['RS256'], issuer });
  if (typeof claims === 'string' || claims.token_use !== 'access') throw new Error('not an access token');
  if (!clientIds.includes(claims.client_id) || typeof claims.sub !== 'string') throw new Error('client_id not accepted');
  return { sub: claims.sub, username: claims.username };
}

async function upload(request: Request, response: Response): Promise<void> {
  let owner: AccessClaims;
  try {
    owner = await verify(request.headers.authorization);
  } catch {
    response.status(401).set('WWW-Authenticate', 'Bearer').json({ message: 'Unauthorized' });
    return;
  }
  const bytes: unknown = request.body;
  if (!Buffer.isBuffer(bytes) || bytes.length === 0) {
    response.status(400).json({ message: 'The file is empty' });
    return;
  }
  const id = randomUUID();
  const contentType = request.headers['content-type'] ?? 'application/octet-stream';
  const fileKey = `uploads/${id}.${contentType.startsWith('text/plain') ? 'txt' : 'bin'}`;
  // The same wire packet as the api's (pattern, id, time, headers, data with the bytes inline),
  // so both servers put records of the same size into the stream.
  const event = {
    pattern: 'file.uploaded',
    id: randomUUID(),
    occurred_at: new Date().toISOString(),
    headers: { 'payload-version': '1', 'correlation-id': randomUUID() },
    data: {
      id,
      file_key: fileKey,
      owner: { sub: owner.sub, username: owner.username ?? owner.sub },
      content_type: contentType,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      body: { kind: 'inline', data_base64: bytes.toString('base64') },
    },
  };
  try {
    await kinesis.send(
      new PutRecordCommand({ StreamName: streamName, PartitionKey: id, Data: Buffer.from(JSON.stringify(event)) }),
    );
  } catch (error) {
    console.error(`upload ${id} not published: ${String(error)}`);
    response.status(503).set('Retry-After', '1').json({ message: 'The event stream is unavailable; retry shortly' });
    return;
  }
  response.status(202).json({ message: 'File uploaded and event sent', file_key: fileKey, id });
}

const app = express();
app.disable('x-powered-by');
app.get('/health', (_request, response) => {
  response.json({ status: 'ok' });
});
app.post('/uploads', express.raw({ type: () => true, limit: '700kb' }), (request, response, next) => {
  upload(request, response).catch(next);
});

const server = app.listen(port, host, () => {
  console.log(`baseline listening on http://${host}:${port}`);
});
server.on('error', (error) => {
  console.error(`baseline cannot listen: ${error.message}`);
  process.exit(1);
});
process.on('SIGTERM', () => {
  server.close(() => {
    kinesis.destroy();
    process.exit(0);
  });
  server.closeAllConnections();
});
