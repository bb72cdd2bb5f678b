/**
 * What a Kinesis event source mapping sends its on-failure destination (SQS or SNS) when it
 * gives up on a batch: metadata only, the records themselves stay in the stream until its
 * retention ends. AWS Lambda Developer Guide, "Retain discarded batch records for a Kinesis
 * Data Streams event source in Lambda":
 *
 * ```json
 * {
 *   "requestContext": { "requestId": "…", "functionArn": "arn:aws:lambda:…:function:worker",
 *                       "condition": "RetryAttemptsExhausted", "approximateInvokeCount": 6 },
 *   "responseContext": { "statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled" },
 *   "version": "1.0",
 *   "timestamp": "2026-11-27T10:00:06.021Z",
 *   "KinesisBatchInfo": {
 *     "shardId": "shardId-000000000001",
 *     "startSequenceNumber": "49601189658422359378836298521827638475320189012309704722",
 *     "endSequenceNumber": "49601189658422359378836298522902373528957594348623495186",
 *     "approximateArrivalOfFirstRecord": "2026-11-27T10:00:04.835Z",
 *     "approximateArrivalOfLastRecord": "2026-11-27T10:00:05.580Z",
 *     "batchSize": 100,
 *     "streamArn": "arn:aws:kinesis:us-east-1:123456789012:stream/file-events"
 *   }
 * }
 * ```
 */
export interface LambdaStreamFailureRecord {
  requestContext: {
    requestId: string;
    functionArn: string;
    /** `RetryAttemptsExhausted`, `RecordAgeExceeded`, … */
    condition: string;
    approximateInvokeCount: number;
  };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  version: string;
  timestamp: string;
  KinesisBatchInfo: KinesisBatchInfo;
}

/** The span of one shard the event source mapping gave up on, both ends included. */
export interface KinesisBatchInfo {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  approximateArrivalOfFirstRecord: string;
  approximateArrivalOfLastRecord: string;
  batchSize: number;
  streamArn: string;
}

/** Text that holds no failed-batch record where one was expected. */
export class FailedBatchFormatError extends Error {
  override readonly name = 'FailedBatchFormatError';
}

/**
 * The failed batches in what an operator saved from the destination: one record, an array
 * of them, one per line (JSON Lines), an SQS message or the output of
 * `aws sqs receive-message` (`{"Messages":[{"Body":"…"}]}`), or an SNS notification
 * (`{"Message":"…"}`) — the record may be a JSON string inside any of these.
 */
export function failedBatchesIn(text: string): KinesisBatchInfo[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let documents: unknown[];
  try {
    documents = [JSON.parse(trimmed)];
  } catch {
    documents = trimmed.split('\n').filter((line) => line.trim() !== '').map((line, index) => parseJson(line, `line ${index + 1}`));
  }
  return documents.flatMap((document) => batchesOf(document, 'input'));
}

function batchesOf(value: unknown, where: string): KinesisBatchInfo[] {
  if (typeof value === 'string') return batchesOf(parseJson(value, where), where);
  if (Array.isArray(value)) return value.flatMap((item, index) => batchesOf(item, `${where}[${index}]`));
  if (typeof value !== 'object' || value === null) throw new FailedBatchFormatError(`${where}: not a failed-batch record`);
  const object = value as Record<string, unknown>;
  if ('KinesisBatchInfo' in object) return [batchInfo(object.KinesisBatchInfo, `${where}.KinesisBatchInfo`)];
  // SQS (ReceiveMessage output, or one message), SNS: the record is the body, as a string.
  if (Array.isArray(object.Messages)) return batchesOf(object.Messages, `${where}.Messages`);
  if ('Body' in object) return batchesOf(object.Body, `${where}.Body`);
  if ('Message' in object) return batchesOf(object.Message, `${where}.Message`);
  throw new FailedBatchFormatError(`${where}: no KinesisBatchInfo (is it a Kinesis event source mapping's on-failure record?)`);
}

function batchInfo(value: unknown, where: string): KinesisBatchInfo {
  const info = (value ?? {}) as Partial<Record<keyof KinesisBatchInfo, unknown>>;
  for (const field of ['shardId', 'startSequenceNumber', 'endSequenceNumber', 'streamArn'] as const) {
    if (typeof info[field] !== 'string' || info[field] === '') throw new FailedBatchFormatError(`${where}.${field}: missing`);
  }
  for (const field of ['startSequenceNumber', 'endSequenceNumber'] as const) {
    if (!/^\d+$/.test(info[field] as string)) throw new FailedBatchFormatError(`${where}.${field}: not a sequence number`);
  }
  return info as KinesisBatchInfo;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new FailedBatchFormatError(`${where}: not JSON`);
  }
}

/** The stream's name, from the ARN the record names (`arn:aws:kinesis:<region>:<account>:stream/<name>`). */
export function streamNameOfArn(streamArn: string): string {
  return streamArn.slice(streamArn.lastIndexOf('/') + 1);
}
