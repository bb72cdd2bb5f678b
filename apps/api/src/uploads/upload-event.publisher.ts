import { Inject, Injectable, Logger } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import {
  FILE_UPLOADED,
  FILE_UPLOADED_VERSION,
  HEADER_CORRELATION_ID,
  HEADER_PAYLOAD_VERSION,
  type FileUploadedV1,
} from '@lib/contracts';
import { ClientKinesis, KinesisPublishError, KinesisRecordBuilder } from '@lib/kinesis';
import { UploadStatusBatcher, UploadStatusRepository, uploadFactsFrom } from '@lib/upload-status';
import { apiConfig, type ApiConfig } from '../config';
import type { AcceptedUpload } from './accepted-upload';
import { UploadOutcomeUnknownError } from './upload-outcome-unknown.error';
import { uploadPartitionKey } from './upload-partition-key';

/**
 * Puts a `file.uploaded` event into the stream, with the upload's `pending` status beside it:
 *
 * 1. The event is emitted and, at the same time, `pending` is written to the upload's pending
 *    item (`pending#<id>`, batched with other uploads' in `BatchWriteItem` calls). That item is
 *    the api's alone: the worker writes the upload's own item, which readers prefer, so however
 *    late the pending write lands it cannot hide a `stored`, and it needs no condition. The two
 *    waits (DynamoDB, Kinesis) overlap instead of adding up. A failed write is logged, not
 *    fatal: the worker writes the whole record when it stores.
 * 2. The answer waits for both: 202 only once Kinesis holds the event (and `GET` finds the
 *    upload).
 * 3. If the event was given up, the pending item is withdrawn once its write has settled, so a
 *    client told 503 never sees its upload as accepted.
 * 4. Unless Kinesis may have written it all the same (a call that carried it went unanswered):
 *    then the pending item stays, marked unconfirmed, and the 503 carries the upload's id
 *    ({@link UploadOutcomeUnknownError}), so the client can ask what became of it: `stored` if
 *    the event landed, `failed` once no worker stored it in time (see `recordOfPendingItem`).
 *
 * When the stream is saturated the publisher refuses the record at once; the pending write
 * then waits for that verdict, so a refused upload costs no write at all.
 */
@Injectable()
export class UploadEventPublisher {
  private readonly logger = new Logger(UploadEventPublisher.name);

  constructor(
    private readonly events: ClientKinesis,
    private readonly pendingWrites: UploadStatusBatcher,
    private readonly statuses: UploadStatusRepository,
    @Inject(apiConfig.KEY) private readonly config: ApiConfig,
  ) {}

  /**
   * @throws KinesisPublishError / RecordTooLargeError when the stream did not take the event
   * @throws UploadOutcomeUnknownError when it may have taken it (the id must reach the client)
   */
  async publish(unstamped: FileUploadedV1, correlationId: string): Promise<AcceptedUpload> {
    // One time for the event and the pending item: the worker's items copy it from the event,
    // and the owner's listing finds all of an upload's items under it.
    const event: FileUploadedV1 = { ...unstamped, accepted_at: new Date().toISOString() };
    const record = new KinesisRecordBuilder(event)
      .setHeaders({ [HEADER_PAYLOAD_VERSION]: FILE_UPLOADED_VERSION, [HEADER_CORRELATION_ID]: correlationId })
      .setPartitionKey(this.partitionKeyOf(event))
      .build();
    const saturated = this.events.saturated;
    const published = lastValueFrom(this.events.emit(FILE_UPLOADED, record));
    const pending = saturated
      ? published.then(() => this.recordPending(event, correlationId), () => false)
      : this.recordPending(event, correlationId);
    try {
      await published;
    } catch (error) {
      const wrote = await pending;
      if (error instanceof KinesisPublishError && error.outcomeUnknown) {
        await this.keepUnconfirmed(event, correlationId);
        throw new UploadOutcomeUnknownError({ id: event.id, file_key: event.file_key }, error);
      }
      if (wrote) await this.withdrawPending(event.id, correlationId);
      throw error;
    }
    await pending;
    // The line an operator starts from: the worker's "stored" line carries the same correlationId,
    // which is the request's id. requestId comes from the request context (LoggingModule): naming
    // it here too would write the key twice.
    this.logger.log({ msg: 'upload accepted', uploadId: event.id, fileKey: event.file_key, size: event.size, body: event.body.kind, correlationId });
    return { id: event.id, file_key: event.file_key };
  }

  /** The upload id spreads uploads over the shards; the owner keeps one user's uploads on one shard. */
  private partitionKeyOf(event: FileUploadedV1): string {
    return uploadPartitionKey(this.config.publisher.partitionKey, { id: event.id, ownerSub: event.owner.sub });
  }

  /** @returns true: a write was attempted, and may have landed even when it reported a failure. */
  private async recordPending(event: FileUploadedV1, correlationId: string): Promise<boolean> {
    try {
      await this.pendingWrites.writePending(UploadEventPublisher.factsOf(event), correlationId);
    } catch (error) {
      this.logger.warn(`upload ${event.id}: pending status not written (the worker's will be): ${String(error)}`);
    }
    return true;
  }

  /** The pending item's facts, under the event's own acceptance time (the listing's sort key). */
  private static factsOf(event: FileUploadedV1) {
    return uploadFactsFrom(event, event.accepted_at ?? new Date().toISOString());
  }

  private async keepUnconfirmed(event: FileUploadedV1, correlationId: string): Promise<void> {
    try {
      await this.statuses.recordUnconfirmed(UploadEventPublisher.factsOf(event), correlationId);
    } catch (error) {
      // GET then finds the upload once the worker stored it, or never if the event is not in the stream.
      this.logger.warn(`upload ${event.id}: its event may be in the stream and it could not be marked unconfirmed: ${String(error)}`);
    }
  }

  private async withdrawPending(id: string, correlationId: string): Promise<void> {
    try {
      await this.statuses.withdrawPending(id, correlationId);
    } catch (error) {
      this.logger.warn(`upload ${id}: its event was refused and its pending status could not be withdrawn: ${String(error)}`);
    }
  }
}
