/**
 * Where an upload is in its life. It only ever moves forward: pending → failed → stored →
 * deleted. `deleted` is a tombstone: the item stays so that no late write of a lower status
 * (a redelivered event's `failed`, a second `complete`'s `pending`) can bring the upload back.
 */
export type UploadStatus = 'pending' | 'failed' | 'stored' | 'deleted';

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
  /** Why the upload failed (only for `failed`). */
  failure_reason?: string;
}

/** The fields every writer knows about an upload, whatever the status it records. */
export type UploadFacts = Omit<UploadRecord, 'status' | 'status_rank' | 'updated_at' | 'failure_reason'>;
