/** The per-record error codes PutRecords reports (AWS documents exactly these two). */
export type RecordErrorCode = 'ProvisionedThroughputExceededException' | 'InternalFailure';

/** kinesalite's account id; Kinesis names the caller's own in its messages. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/**
 * Kinesis' messages, word for word: a throttled record or call names the shard, the stream and
 * the account ("Rate exceeded for shard shardId-000000000001 in stream exampleStreamName under
 * account 111111111111.", API reference, PutRecords); an internal failure says only "Internal Service Failure" (PutRecordsResultEntry).
 */
export const KINESIS_ERROR_MESSAGES = {
  ProvisionedThroughputExceededException: (stream: string, shardId = 'shardId-000000000000') =>
    `Rate exceeded for shard ${shardId} in stream ${stream} under account ${LOCAL_ACCOUNT_ID}.`,
  InternalFailure: () => 'Internal Service Failure',
} as const;

/** The stream a request names: `StreamName`, or the name inside `StreamARN` (`arn:…:stream/<name>`). */
export function streamNameOf(request: Record<string, unknown> | undefined): string {
  if (typeof request?.StreamName === 'string') return request.StreamName;
  if (typeof request?.StreamARN === 'string') return request.StreamARN.slice(request.StreamARN.lastIndexOf('/') + 1);
  return 'unknown';
}
