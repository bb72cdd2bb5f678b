import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

/** The content type of Kinesis' JSON protocol (awsJson1_1), what the SDK v3 client sends. */
export const AMZ_JSON = 'application/x-amz-json-1.1';

/** `X-Amz-Target` values, `Kinesis_20131202.<Operation>`. */
export const TARGET_PREFIX = 'Kinesis_20131202.';
export const PUT_RECORD = `${TARGET_PREFIX}PutRecord`;
export const PUT_RECORDS = `${TARGET_PREFIX}PutRecords`;

export const RECORD_ERROR_MESSAGES = {
  ProvisionedThroughputExceededException: (stream: string) =>
    `Rate exceeded for shard shardId-000000000000 in stream ${stream} under account 000000000000.`,
  InternalFailure: () => 'Internal service failure.',
} as const;

/**
 * Answers the way Kinesis answers an error in the JSON protocol: the SDK reads the error name
 * from `__type` (and `x-amzn-ErrorType`), so a 400 `ProvisionedThroughputExceededException`
 * becomes that SDK exception class and counts as throttling for its retry strategy.
 */
export function sendAwsJsonError(res: ServerResponse, statusCode: number, type: string, message: string): void {
  sendAwsJson(res, statusCode, { __type: type, message }, { 'x-amzn-ErrorType': type });
}

export function sendAwsJson(
  res: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(statusCode, {
    ...headers,
    'Content-Type': AMZ_JSON,
    'Content-Length': String(payload.length),
    'x-amzn-RequestId': randomUUID(),
  });
  res.end(payload);
}
