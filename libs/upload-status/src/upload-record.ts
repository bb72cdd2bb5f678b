/**
 * Where an upload is in its life. It only ever moves forward: pending → failed → stored →
 * deleted. `deleted` is a tombstone: the item stays so that no late write of a lower status
 * (a redelivered event's `failed`, a second `complete`'s `pending`) can bring the upload back.
 */
export type UploadStatus = 'pending' | 'failed' | 'stored' | 'deleted';

/**
 * Why an upload failed, as its owner sees it. The worker's dead-letter reasons keep their
 * names; `unconfirmed` is an upload the stream never confirmed and no worker stored.
 */
export type UploadFailureCode = 'malformed-record' | 'no-handler' | 'handler-rejected' | 'handler-failed' | 'record-too-old' | 'unconfirmed';

/** What the owner is told for each failure code: what happened and what to do, nothing internal. */
export const UPLOAD_FAILURE_MESSAGES: Readonly<Record<UploadFailureCode, string>> = {
  'malformed-record': 'The upload could not be read by the service: upload the file again',
  'no-handler': 'The service could not process this kind of upload; its operators have been alerted',
  'handler-rejected': 'The file could not be stored as it arrived (it did not match what was uploaded): upload it again',
  'handler-failed': 'Storing the file failed repeatedly; its operators have been alerted and can retry it',
  'record-too-old': 'The file waited too long to be stored and was set aside; its operators can retry it',
  unconfirmed: 'The event stream never confirmed this upload and no worker has stored it: upload the file again',
};

/** Rank of each status; a write never lowers it (a late `pending` cannot hide a `stored`). */
export const STATUS_RANK: Record<UploadStatus, number> = { pending: 0, failed: 1, stored: 2, deleted: 3 };

/** One item of the `file-uploads` table, keyed by `id`. */
export interface UploadRecord {
  id: string;
  file_key: string;
  owner_sub: string;
  owner_username: string;
  content_type: string;
  size: number;
  sha256: string;
  original_name?: string;
  status: UploadStatus;
  status_rank: number;
  /** ISO-8601 time the api accepted the upload. */
  accepted_at: string;
  /** ISO-8601 time of the last status change. */
  updated_at: string;
  /** Why the upload failed (only for `failed`): a stable code to program against. */
  failure_code?: UploadFailureCode;
  /** The same in words, for the file's owner: never internal error text (that is in the logs and the dead letter). */
  failure_reason?: string;
  /**
   * Only on an upload the api could not confirm (see {@link PendingUploadItem.unconfirmed_since}):
   * when it answered 503 not knowing whether the event reached the stream.
   */
  unconfirmed_since?: string;
  /**
   * `<accepted_at>#<id>`, the sort key of the owner index (`upload-listing.ts`). Items written
   * before uploads were listed have none, and stay out of listings.
   */
  list_key?: string;
}

/** The fields every writer knows about an upload, whatever the status it records. */
export type UploadFacts = Omit<UploadRecord, 'status' | 'status_rank' | 'updated_at' | 'failure_code' | 'failure_reason'>;

/**
 * The api's `pending` status lives in an item of its own, keyed `pending#<id>`, that only the
 * api writes and that the worker never touches. A write there can never hide a later status
 * of the upload's own item, however late it lands, so it needs no condition and can share
 * `BatchWriteItem` calls, and it can go out alongside the event instead of before it. Readers
 * take the upload's own item when there is one (`UploadStatusRepository.find`).
 */
export const PENDING_KEY_PREFIX = 'pending#';

export function pendingKeyOf(id: string): string {
  return `${PENDING_KEY_PREFIX}${id}`;
}

/**
 * How long a pending item outlives its write (DynamoDB TTL on `expires_at`): past the longest
 * retention a Kinesis stream can have (365 days), so an upload whose event still waits in the
 * stream never loses its `pending`. Once the worker has written the upload's own item, the
 * pending item is hidden; it costs some 400 bytes of storage until it expires.
 */
export const PENDING_ITEM_TTL_SECONDS = 366 * 24 * 3600;

/**
 * The presigned flow's completion marker, keyed `completion#<id>` and written only by the api's
 * `complete`: who is measuring the staged object, and then what it measured, so concurrent
 * or repeated completes of one upload read the staged bytes once and publish the same event.
 * It carries no owner or file name (nothing to list or leak), expires like a pending item,
 * and the worker's deletion removes it with the upload.
 */
export const COMPLETION_KEY_PREFIX = 'completion#';

export function completionKeyOf(id: string): string {
  return `${COMPLETION_KEY_PREFIX}${id}`;
}

/** The api's pending item (see {@link PENDING_KEY_PREFIX}). */
export interface PendingUploadItem extends Omit<UploadRecord, 'status' | 'failure_reason'> {
  /** `pending#<upload id>`. */
  id: string;
  status: 'pending';
  /** Who wrote it (the request's correlation id): only that request withdraws it. */
  written_by: string;
  /** Epoch seconds; the table's TTL attribute. */
  expires_at: number;
  /**
   * ISO-8601 time the api gave up on the event without knowing whether Kinesis wrote it (a
   * call that carried it timed out or lost its connection) and answered 503 with the id. The
   * upload is `stored` if the event did land (the worker writes the upload's own item); if no
   * worker has stored it {@link UNCONFIRMED_VERDICT_AFTER_MS} later, readers report it `failed`.
   */
  unconfirmed_since?: string;
}

/**
 * How long after an unconfirmed upload (see {@link PendingUploadItem.unconfirmed_since})
 * readers wait for the worker before they report it `failed`: far beyond a worker's usual lag
 * of seconds, so the verdict is the truth unless the worker fell that far behind, in which
 * case the `stored` it writes later still replaces it.
 */
export const UNCONFIRMED_VERDICT_AFTER_MS = 10 * 60_000;

/** What readers say of an unconfirmed upload no worker stored in time. */
export const UNCONFIRMED_FAILURE_REASON = UPLOAD_FAILURE_MESSAGES.unconfirmed;

/** The pending item the api writes for an upload, `now` being when it accepted it. */
export function pendingItemOf(facts: UploadFacts, writtenBy: string, now = Date.now()): PendingUploadItem {
  return {
    ...facts,
    id: pendingKeyOf(facts.id),
    status: 'pending',
    status_rank: STATUS_RANK.pending,
    updated_at: new Date(now).toISOString(),
    written_by: writtenBy,
    expires_at: Math.floor(now / 1000) + PENDING_ITEM_TTL_SECONDS,
  };
}

/**
 * An upload as its pending item shows it, `now` deciding whether an unconfirmed upload has
 * waited long enough for the worker to be called `failed`.
 */
export function recordOfPendingItem(pending: PendingUploadItem, id: string, now = Date.now()): UploadRecord {
  const { written_by: _writer, expires_at: _expiry, ...record } = pending;
  const since = record.unconfirmed_since;
  if (since !== undefined && now - Date.parse(since) >= UNCONFIRMED_VERDICT_AFTER_MS) {
    return { ...record, id, status: 'failed', status_rank: STATUS_RANK.failed, failure_code: 'unconfirmed', failure_reason: UNCONFIRMED_FAILURE_REASON };
  }
  return { ...record, id };
}
