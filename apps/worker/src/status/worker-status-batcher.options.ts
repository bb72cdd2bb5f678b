import type { UploadStatusBatcherOptions } from '@lib/upload-status';

/**
 * How the worker batches its `stored` writes. A record no longer holds a concurrency slot
 * through its status write (the handler releases it once the object exists), so the write can
 * wait for the call in flight: one `BatchWriteItem` at a time carries everything that arrived
 * meanwhile, so bigger batches and fewer calls per file, for the worker and the table alike.
 */
export const WORKER_STATUS_BATCHER_OPTIONS: UploadStatusBatcherOptions = { maxInFlight: 1 };
