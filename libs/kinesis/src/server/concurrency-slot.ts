import type { KinesisContext } from '../ctx-host/kinesis.context';

/** What the page runner does when a record's handler gives up its concurrency slot. */
const releasers = new WeakMap<KinesisContext, () => void>();

/**
 * Tells the transport that the costly part of handling this record is done (the file is in
 * S3, say) and that what remains is a short acknowledgement (a status write): the shard may
 * start its next record now instead of holding one of its `maxConcurrentRecordsPerShard`
 * slots through the wait. Nothing else changes for the record: it is still in flight, its
 * partition key stays blocked (the next record of the key waits for it), and the checkpoint
 * only passes it once the handler has settled; a failure after the release is retried as
 * usual. The transport lets at most as many records wait this way as there are slots, so
 * the records in flight stay bounded (twice the concurrency). Safe to call more than once,
 * and a no-op where records are not read by `ServerKinesis` (Lambda, tests).
 */
export function releaseConcurrencySlot(context: KinesisContext): void {
  releasers.get(context)?.();
}

/** The transport's side: what `releaseConcurrencySlot(context)` triggers for this context. */
export function onConcurrencySlotRelease(context: KinesisContext, release: () => void): KinesisContext {
  releasers.set(context, release);
  return context;
}
