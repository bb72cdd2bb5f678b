import type { OnApplicationShutdown } from '@nestjs/common';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isTransientAwsError } from '@lib/aws';
import { GroupCommitQueue, type ItemOutcome } from '@lib/group-commit';
import { pendingItemOf, STATUS_RANK, type PendingUploadItem, type UploadFacts, type UploadRecord } from './upload-record';

/** What one `BatchWriteItem` call may carry (DynamoDB service limits). */
const BATCH_WRITE_MAX_ITEMS = 25;
const BATCH_WRITE_MAX_BYTES = 16 * 1024 * 1024;

/** Tuning of {@link UploadStatusBatcher}; defaults suit an api. */
export interface UploadStatusBatcherOptions {
  /**
   * How long a write may take, retries included, in ms. Default 1000: the api's request waits
   * for its pending write and carries on without it, so a DynamoDB outage must cost each upload
   * little time; the worker retries a record whose status was not written.
   */
  deadlineMs?: number;
  /** Writes held before new ones are refused at once. Default 10,000. */
  maxQueuedItems?: number;
  /**
   * `BatchWriteItem` calls in flight at once. Default 4: an api's request waits for its
   * write, so writes do not queue behind one call. Fewer calls in flight make bigger batches
   * (each call carries what arrived while the previous one was out), which costs the
   * table fewer calls per item when the writer need not answer anyone in between.
   */
  maxInFlight?: number;
  /** How long a write may wait for companions while a call is in flight, in ms. Default 5. */
  maxLingerMs?: number;
}

/**
 * The upload's own item with `stored`, the one status whose write needs no condition: the only
 * status above it is the `deleted` tombstone, and a deletion is published only after its upload
 * was accepted, on the same partition key, so the worker handles it after this write (an upload
 * delivered again *without* its deletion after it — a redrive, a changed `UPLOAD_PARTITION_KEY`
 * — would overwrite the tombstone: README, Extending). `pending` goes to an item of its own
 * ({@link UploadStatusBatcher.writePending}).
 */
export type BatchableStatus = 'stored';

/**
 * Writes whole status items in `BatchWriteItem` calls (group commit: one call carries every
 * write that arrived while the previous call was in flight), so an api or a worker under load
 * pays one DynamoDB round trip per batch, not per upload. `BatchWriteItem` takes no
 * conditions: see {@link BatchableStatus} and {@link PENDING_KEY_PREFIX} for why these writes need none.
 */
export class UploadStatusBatcher implements OnApplicationShutdown {
  private readonly queue: GroupCommitQueue<UploadRecord | PendingUploadItem, void>;

  constructor(
    private readonly dynamodb: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: UploadStatusBatcherOptions = {},
  ) {
    this.queue = new GroupCommitQueue({
      maxBatchItems: BATCH_WRITE_MAX_ITEMS,
      maxBatchBytes: BATCH_WRITE_MAX_BYTES,
      deadlineMs: options.deadlineMs ?? 1_000,
      maxQueuedItems: options.maxQueuedItems,
      maxInFlight: options.maxInFlight,
      maxLingerMs: options.maxLingerMs,
      call: (items, signal) => this.batchWrite(items, signal),
      isRetryable: isTransientAwsError,
    });
  }

  /** Resolves once the item is written. */
  write(facts: UploadFacts, status: BatchableStatus): Promise<void> {
    const item: UploadRecord = {
      ...facts,
      status,
      status_rank: STATUS_RANK[status],
      updated_at: new Date().toISOString(),
    };
    return this.submit(item);
  }

  /**
   * Writes the api's `pending` item of an upload (its own key, so it can never hide a later
   * status); resolves once it is written. `writtenBy` (the request's id) is what lets that
   * request, and only it, withdraw the item (`UploadStatusRepository.withdrawPending`).
   */
  writePending(facts: UploadFacts, writtenBy: string): Promise<void> {
    return this.submit(pendingItemOf(facts, writtenBy));
  }

  private submit(item: UploadRecord | PendingUploadItem): Promise<void> {
    // An item's size in DynamoDB is close to its JSON length; only the batch limit uses it.
    return this.queue.submit(item, JSON.stringify(item).length);
  }

  flush(): Promise<void> {
    return this.queue.flush();
  }

  /** On SIGTERM, writes still under way finish (each within its deadline) before exit. */
  onApplicationShutdown(): Promise<void> {
    return this.flush();
  }

  get stats() {
    return this.queue.stats;
  }

  private async batchWrite(items: ReadonlyArray<UploadRecord | PendingUploadItem>, signal: AbortSignal): Promise<Array<ItemOutcome<void>>> {
    const output = await this.dynamodb.send(
      new BatchWriteCommand({ RequestItems: { [this.tableName]: items.map((Item) => ({ PutRequest: { Item } })) } }),
      { abortSignal: signal },
    );
    // Throttled items come back unprocessed: only those are retried.
    const unprocessed = new Set(
      (output.UnprocessedItems?.[this.tableName] ?? []).map((request) => request.PutRequest?.Item?.id as string),
    );
    return items.map((item) =>
      unprocessed.has(item.id)
        ? { ok: false, error: new Error('BatchWriteItem left the item unprocessed (throttled)'), retryable: true }
        : { ok: true, result: undefined },
    );
  }
}
