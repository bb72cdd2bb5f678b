import type { RecordErrorCode } from './kinesis-faults';
import { RECORD_ERROR_MESSAGES } from './aws-json';

/** Kinesis' own bound; a larger request is left whole for kinesalite to refuse, as Kinesis would. */
const MAX_RECORDS_PER_CALL = 500;

/** One entry of a PutRecords response, in the real shape. */
export type PutRecordsResultEntry =
  | { SequenceNumber: string; ShardId: string }
  | { ErrorCode: string; ErrorMessage: string };

export interface PutRecordsResponseBody {
  FailedRecordCount: number;
  Records: PutRecordsResultEntry[];
  [field: string]: unknown;
}

/** What the proxy does with one PutRecords call: which records fail, and what goes on. */
export interface PutRecordsSplit {
  streamName: string;
  /** Per original record, in order: the error it gets, or undefined when it is forwarded. */
  failures: (RecordErrorCode | undefined)[];
  /** The request body with only the forwarded records; undefined when every record fails. */
  forwardBody: string | undefined;
}

/**
 * Picks the failing records of a PutRecords request body. Returns undefined for a body that
 * is not a PutRecords request this proxy can safely cut (not JSON, no 1..500 records): that
 * goes on untouched, so kinesalite's validation answers it.
 */
export function splitPutRecords(body: string, pickFailure: () => RecordErrorCode | undefined): PutRecordsSplit | undefined {
  let request: { StreamName?: unknown; StreamARN?: unknown; Records?: unknown };
  try {
    request = JSON.parse(body);
  } catch {
    return undefined;
  }
  const records = request?.Records;
  if (!Array.isArray(records) || records.length === 0 || records.length > MAX_RECORDS_PER_CALL) return undefined;
  const failures = records.map(() => pickFailure());
  const forwarded = records.filter((_, i) => failures[i] === undefined);
  return {
    streamName: String(request.StreamName ?? request.StreamARN ?? 'unknown'),
    failures,
    forwardBody: forwarded.length === 0 ? undefined : JSON.stringify({ ...request, Records: forwarded }),
  };
}

/**
 * The response the caller gets: kinesalite's results for the forwarded records put back in
 * the original order, with the picked records as per-record errors, and the failure count.
 */
export function mergePutRecordsResponse(
  split: PutRecordsSplit,
  forwardedResponse: PutRecordsResponseBody | undefined,
): PutRecordsResponseBody {
  const forwardedResults = forwardedResponse?.Records ?? [];
  const expected = split.failures.filter((f) => f === undefined).length;
  if (forwardedResults.length !== expected) {
    throw new Error(`kinesalite answered ${forwardedResults.length} records for ${expected} forwarded`);
  }
  let next = 0;
  const records = split.failures.map(
    (failure): PutRecordsResultEntry =>
      failure === undefined
        ? forwardedResults[next++]
        : { ErrorCode: failure, ErrorMessage: RECORD_ERROR_MESSAGES[failure](split.streamName) },
  );
  return {
    ...forwardedResponse,
    FailedRecordCount: records.filter((r) => 'ErrorCode' in r).length,
    Records: records,
  };
}
