import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { GetRecordsCommand, GetShardIteratorCommand, PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { FILE_UPLOADED, FILE_UPLOADED_VERSION, HEADER_PAYLOAD_VERSION, type FileUploadedV1 } from '@lib/contracts';
import { encodePacket } from '@lib/kinesis';
import { readWholeStream, recordJson } from '../faulty-kinesis';
import { httpApiEvent, kinesisEvent } from './events';

export const UPLOAD_BYTES = 1024;

/** What a bundle's first invocation is given, and how the benchmark (and the code-cache recording) checks what it did. */
export interface FirstInvocation {
  event: unknown;
  /** Throws unless the invocation's result (and its effect in the local cloud) is right. */
  check(result: unknown): Promise<void>;
}

interface ProxyResult {
  statusCode: number;
  body: string;
}

/**
 * The api's first invocation: an authenticated POST /uploads (API Gateway HTTP API event,
 * a 1 KiB binary body, the demo user's access token from the local Cognito). Answered 202;
 * its upload id is then looked for in the stream (see ApiRecordsAudit).
 */
export function apiUpload(accessToken: string, audit: ApiRecordsAudit): FirstInvocation {
  const body = randomBytes(UPLOAD_BYTES);
  return {
    event: httpApiEvent({
      method: 'POST',
      path: '/uploads',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/octet-stream' },
      query: { filename: 'bench.bin' },
      body,
    }),
    async check(result) {
      const { statusCode, body: responseBody } = result as ProxyResult;
      if (statusCode !== 202) throw new Error(`POST /uploads answered ${statusCode}: ${responseBody}`);
      audit.expect((JSON.parse(responseBody) as { id: string }).id);
    },
  };
}

/** The upload ids the api answered 202 for, all looked for in the stream at the end. */
export class ApiRecordsAudit {
  private readonly expected = new Set<string>();

  constructor(
    private readonly kinesis: KinesisClient,
    private readonly streamName: string,
  ) {}

  expect(uploadId: string): void {
    this.expected.add(uploadId);
  }

  /** How many of the accepted uploads have their `file.uploaded` record in the stream (throws if any is missing). */
  async verify(): Promise<number> {
    const inStream = new Set(
      (await readWholeStream(this.kinesis, this.streamName)).map((record) => recordJson<{ data?: { id?: string } }>(record).data?.id),
    );
    const missing = [...this.expected].filter((id) => !inStream.has(id));
    if (missing.length > 0) throw new Error(`${missing.length} of ${this.expected.size} accepted uploads have no record in ${this.streamName}`);
    return this.expected.size;
  }
}

/**
 * The worker's first invocation: a Kinesis event made of one `file.uploaded` record (inline
 * 1 KiB body) really put into the local stream and read back. Checked: no batch item failure
 * and the object in the local S3 with the right bytes.
 */
export async function workerBatch(kinesis: KinesisClient, s3: S3Client, streamName: string, bucket: string): Promise<FirstInvocation> {
  const id = randomUUID();
  const bytes = randomBytes(UPLOAD_BYTES);
  const fileKey = `uploads/${id}.bin`;
  const event: FileUploadedV1 = {
    id,
    file_key: fileKey,
    owner: { sub: 'bench-sub', username: 'bench@example.com' },
    content_type: 'application/octet-stream',
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    body: { kind: 'inline', data_base64: bytes.toString('base64') },
  };
  const packet = encodePacket({ pattern: FILE_UPLOADED, id: randomUUID(), occurred_at: new Date().toISOString(), headers: { [HEADER_PAYLOAD_VERSION]: FILE_UPLOADED_VERSION }, data: event });
  const put = await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: id, Data: Buffer.from(packet) }));
  const { ShardIterator } = await kinesis.send(
    new GetShardIteratorCommand({ StreamName: streamName, ShardId: put.ShardId!, ShardIteratorType: 'AT_SEQUENCE_NUMBER', StartingSequenceNumber: put.SequenceNumber! }),
  );
  const records = (await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 1 }))).Records ?? [];
  if (records[0]?.SequenceNumber !== put.SequenceNumber) throw new Error(`record ${put.SequenceNumber} not read back from ${streamName}`);
  return {
    event: kinesisEvent(streamName, put.ShardId!, records),
    async check(result) {
      const { batchItemFailures } = result as KinesisStreamBatchResponse;
      if (batchItemFailures.length > 0) throw new Error(`the worker reported ${JSON.stringify(batchItemFailures)}`);
      const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: fileKey }));
      if (!Buffer.from(await stored.Body!.transformToByteArray()).equals(bytes)) throw new Error(`${fileKey} in S3 does not hold the uploaded bytes`);
    },
  };
}

/** The baseline's first invocation: the same request as the api's, no token needed. */
export function bareUpload(): FirstInvocation {
  const body = randomBytes(UPLOAD_BYTES);
  return {
    event: httpApiEvent({ method: 'POST', path: '/uploads', headers: { 'content-type': 'application/octet-stream' }, body }),
    async check(result) {
      const { statusCode, body: responseBody } = result as ProxyResult;
      if (statusCode !== 202 || (JSON.parse(responseBody) as { received_bytes: number }).received_bytes !== UPLOAD_BYTES) {
        throw new Error(`the bare handler answered ${statusCode}: ${responseBody}`);
      }
    },
  };
}
