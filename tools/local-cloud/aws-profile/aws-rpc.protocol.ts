import type { IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';
import { cbor } from '@smithy/core/cbor';
import type { BufferedResponse } from './proxy-http';

/**
 * The "AWS JSON" RPC protocols Kinesis and DynamoDB speak: a POST to `/` naming the operation
 * in `X-Amz-Target` (`Kinesis_20131202.PutRecords`, `DynamoDB_20120810.GetItem`), the input as
 * the body, errors as `{__type, message}` with a 4xx/5xx status.
 *
 * The body encoding follows the Content-Type. The project's SDK clients send JSON
 * (`application/x-amz-json-1.1` for Kinesis, `-1.0` for DynamoDB); other SDKs (Java's, for
 * instance) send Kinesis CBOR (`application/x-amz-cbor-1.1`), where blobs are byte strings
 * instead of base64 text. kinesalite understands both, so a proxy must too: it decodes and
 * re-encodes in the caller's own encoding.
 */
export interface AwsRpcCodec {
  contentType: string;
  decode(body: Buffer): unknown;
  encode(value: unknown): Buffer;
  /** How many bytes a blob field (`Data`) carries, whatever its encoding. */
  blobLength(value: unknown): number;
}

export const AMZ_JSON_1_0 = 'application/x-amz-json-1.0';
export const AMZ_JSON_1_1 = 'application/x-amz-json-1.1';
export const AMZ_CBOR_1_1 = 'application/x-amz-cbor-1.1';

const json = (contentType: string): AwsRpcCodec => ({
  contentType,
  decode: (body) => JSON.parse(body.toString('utf8')),
  encode: (value) => Buffer.from(JSON.stringify(value), 'utf8'),
  blobLength: (value) => (typeof value === 'string' ? base64ByteLength(value) : 0),
});

const CBOR: AwsRpcCodec = {
  contentType: AMZ_CBOR_1_1,
  decode: (body) => cbor.deserialize(body),
  // Copied out: the encoder reuses one shared buffer between calls.
  encode: (value) => Buffer.from(cbor.serialize(value)),
  blobLength: (value) => (value instanceof Uint8Array ? value.byteLength : 0),
};

const CODECS: Record<string, AwsRpcCodec> = {
  [AMZ_JSON_1_0]: json(AMZ_JSON_1_0),
  [AMZ_JSON_1_1]: json(AMZ_JSON_1_1),
  [AMZ_CBOR_1_1]: CBOR,
};

/** What the project's Kinesis client sends (and what answers a body no codec could read). */
export const KINESIS_JSON_CODEC: AwsRpcCodec = CODECS[AMZ_JSON_1_1];

/** The codec of a request's Content-Type, or undefined for a body this module cannot read. */
export function codecFor(headers: IncomingHttpHeaders): AwsRpcCodec | undefined {
  const contentType = String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  return CODECS[contentType];
}

/** `Kinesis_20131202.PutRecords` → `PutRecords`; no target → `unknown`. */
export function operationOf(headers: IncomingHttpHeaders): string {
  const target = String(headers['x-amz-target'] ?? '');
  const dot = target.lastIndexOf('.');
  return dot >= 0 ? target.slice(dot + 1) : target || 'unknown';
}

/** Decodes a body as an object, or undefined when it is not one (left for the stand-in to refuse). */
export function decodeObject(codec: AwsRpcCodec, body: Buffer): Record<string, unknown> | undefined {
  try {
    const value = codec.decode(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An error the way AWS answers one in these protocols: the SDK reads the error name from
 * `__type` (and `x-amzn-ErrorType`), so a 400 `ProvisionedThroughputExceededException` becomes
 * that SDK exception class and counts as throttling for its retry strategy.
 */
export function awsErrorResponse(codec: AwsRpcCodec, statusCode: number, type: string, message: string): BufferedResponse {
  return awsResponse(codec, statusCode, { __type: type, message }, { 'x-amzn-errortype': type });
}

/** An answer in the caller's encoding, with a request id as AWS sends one. */
export function awsResponse(codec: AwsRpcCodec, statusCode: number, body: unknown, headers: Record<string, string> = {}): BufferedResponse {
  return {
    statusCode,
    headers: { ...headers, 'content-type': codec.contentType, 'x-amzn-requestid': randomUUID() },
    body: codec.encode(body),
  };
}

/** The decoded length of base64 text, without decoding it (PutRecords bodies reach 5 MiB). */
export function base64ByteLength(text: string): number {
  let padding = 0;
  if (text.endsWith('==')) padding = 2;
  else if (text.endsWith('=')) padding = 1;
  return Math.floor((text.length * 3) / 4) - padding;
}
