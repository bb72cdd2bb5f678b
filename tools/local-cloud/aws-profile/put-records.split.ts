import { KINESIS_ERROR_MESSAGES, streamNameOf, type RecordErrorCode } from './kinesis-errors';

/** Kinesis' own bound; a larger request is left whole for the stand-in to refuse, as Kinesis would. */
export const MAX_RECORDS_PER_CALL = 500;

/** One entry of a PutRecords request, decoded (Data is base64 text in JSON, bytes in CBOR). */
export interface PutRecordsRequestEntry {
  Data?: unknown;
  PartitionKey?: unknown;
  ExplicitHashKey?: unknown;
  [field: string]: unknown;
}

/** One entry of a PutRecords response, in the real shape. */
export type PutRecordsResultEntry =
  | { SequenceNumber: string; ShardId: string; [field: string]: unknown }
  | { ErrorCode: string; ErrorMessage: string };

export interface PutRecordsResponseBody {
  FailedRecordCount: number;
  Records: PutRecordsResultEntry[];
  [field: string]: unknown;
}

/** A record refused before it reached the stream: its code, and the shard named in the message. */
export interface RecordFailure {
  code: RecordErrorCode;
  shardId?: string;
}

/** What a proxy does with one PutRecords call: which records fail, and what goes on. */
export interface PutRecordsSplit {
  streamName: string;
  /** Per original record, in order: its failure, or undefined when it is forwarded. */
  failures: (RecordFailure | undefined)[];
  /** The request with only the forwarded records; undefined when every record fails. */
  forward: Record<string, unknown> | undefined;
}

/** The records of a decoded PutRecords request this module can safely cut (1..500), or undefined. */
export function putRecordsEntries(request: Record<string, unknown> | undefined): PutRecordsRequestEntry[] | undefined {
  const records = request?.Records;
  if (!Array.isArray(records) || records.length === 0 || records.length > MAX_RECORDS_PER_CALL) return undefined;
  return records as PutRecordsRequestEntry[];
}

/**
 * Decides, record by record in order, which records of a decoded PutRecords request fail.
 * Returns undefined for a request that is not one this module can safely cut (no 1..500
 * records): that goes on untouched, so the stand-in's validation answers it.
 */
export function splitPutRecords(
  request: Record<string, unknown> | undefined,
  decide: (record: PutRecordsRequestEntry, index: number) => RecordFailure | undefined,
): PutRecordsSplit | undefined {
  const records = putRecordsEntries(request);
  if (records === undefined) return undefined;
  const failures = records.map((record, i) => decide(record, i));
  const forwarded = records.filter((_, i) => failures[i] === undefined);
  return {
    streamName: streamNameOf(request),
    failures,
    forward: forwarded.length === 0 ? undefined : { ...request, Records: forwarded },
  };
}

/**
 * The response the caller gets: the stand-in's results for the forwarded records put back in
 * the original order, with the refused records as per-record errors, and the failure count.
 */
export function mergePutRecordsResponse(
  split: PutRecordsSplit,
  forwardedResponse: PutRecordsResponseBody | undefined,
): PutRecordsResponseBody {
  const forwardedResults = forwardedResponse?.Records ?? [];
  const expected = split.failures.filter((f) => f === undefined).length;
  if (forwardedResults.length !== expected) {
    throw new Error(`the stream answered ${forwardedResults.length} records for ${expected} forwarded`);
  }
  let next = 0;
  const records = split.failures.map(
    (failure): PutRecordsResultEntry =>
      failure === undefined
        ? forwardedResults[next++]
        : { ErrorCode: failure.code, ErrorMessage: KINESIS_ERROR_MESSAGES[failure.code](split.streamName, failure.shardId) },
  );
  return {
    ...forwardedResponse,
    FailedRecordCount: records.filter((r) => 'ErrorCode' in r).length,
    Records: records,
  };
}
