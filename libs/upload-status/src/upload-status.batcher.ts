import type { OnApplicationShutdown } from '@nestjs/common';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isTransientAwsError } from '@lib/aws';
import { GroupCommitQueue, type ItemOutcome } from '@lib/group-commit';
import { pendingItemOf, type PendingUploadItem, type UploadFacts } from './upload-record';

/** What one `BatchWriteItem` call may carry (DynamoDB service limits). */
const BATCH_WRITE_MAX_ITEMS = 25;
const BATCH_WRITE_MAX_BYTES = 16 * 1024 * 1024;

/** Tuning of {@link UploadStatusBatcher}. */
export interface UploadStatusBatcherOptions {
  /**
   * How long a write may take, retries included, in ms. Default 1000: the api's request waits
   * for its pending write and carries on without it, so a DynamoDB outage must cost each upload
   * little time; the worker's own write of the upload's status follows anyway.
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
 * Writes the api's pending items in `BatchWriteItem` calls (group commit: one call carries
 * every write that arrived while the previous call was in flight), so an api under load pays
 * one DynamoDB round trip per batch, not per upload. `BatchWriteItem` takes no conditions:
 * see {@link PENDING_KEY_PREFIX} for why these writes need none. The upload's own item is
 * never written here: each of its writes is conditional (`UploadStatusRepository`).
 */
export class UploadStatusBatcher implements OnApplicationShutdown {
  private readonly queue: GroupCommitQueue<PendingUploadItem, void>;

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

  /**
   * Writes the api's `pending` item of an upload (its own key, so it can never hide a later
   * status); resolves once it is written. `writtenBy` (the request's id) is what lets that
   * request, and only it, withdraw the item (`UploadStatusRepository.withdrawPending`).
   */
  writePending(facts: UploadFacts, writtenBy: string): Promise<void> {
    return this.submit(pendingItemOf(facts, writtenBy));
  }

  private submit(item: PendingUploadItem): Promise<void> {
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

  private async batchWrite(items: ReadonlyArray<PendingUploadItem>, signal: AbortSignal): Promise<Array<ItemOutcome<void>>> {
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
