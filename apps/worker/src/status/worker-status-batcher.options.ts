import type { UploadStatusBatcherOptions } from '@lib/upload-status';

/**
 * How the worker batches its `stored` writes. A record no longer holds a concurrency slot
 * through its status write (the handler releases it once the object exists), so the write may
 * wait for a call: each `BatchWriteItem` carries everything that arrived while the others were
 * out, up to 25 items.
 *
 * - Up to 4 calls in flight: one call at a time (the loopback optimum: biggest batches, fewest
 *   calls) carries at most 25 items per round trip, about 600 items/s at AWS's 10–40 ms for a
 *   batch, less than one worker stores; items then queued past their deadline and their records
 *   were stored again (measured with the local cloud's AWS profile).
 * - 10 s before a write is given up: the record's checkpoint waits for it anyway, and a write
 *   given up makes the transport handle the record again, S3 write included.
 */
export const WORKER_STATUS_BATCHER_OPTIONS: UploadStatusBatcherOptions = { maxInFlight: 4, deadlineMs: 10_000 };
